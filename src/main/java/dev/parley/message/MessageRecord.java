package dev.parley.message;

import java.time.Instant;

/**
 * An outbound message as stored in DynamoDB; the record, not the queue entry, is the source of truth.
 *
 * @param attempts send attempts made so far
 * @param waId     the id WhatsApp gave the sent message, used to match receipts
 */
public record MessageRecord(
        String id,
        String accountId,
        String deviceId,
        int shard,
        String phone,
        String message,
        String reference,
        Priority priority,
        MessageStatus status,
        int attempts,
        String waId,
        String failureReason,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt,
        Instant deliveredAt,
        Instant readAt,
        Instant failedAt) {
}
