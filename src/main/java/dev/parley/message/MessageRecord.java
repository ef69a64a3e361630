package dev.parley.message;

import dev.parley.common.MessageContent;

import dev.parley.common.Priority;

import java.time.Instant;

/**
 * An outbound message as stored in DynamoDB; the record, not the queue entry, is the source of truth.
 *
 * @param phone     recipient in E.164, or null when the message goes to {@code group}
 * @param group     recipient group id ({@code ...@g.us}), or null
 * @param quote     id of the incoming message this one replies to, or null
 * @param quotedWaId WhatsApp's id of that incoming message
 * @param retries   transient failures tolerated before the message fails
 * @param attempts  send attempts made so far
 * @param waId      the id WhatsApp gave the sent message, used to match receipts
 * @param deliverAt not sent before this instant; null means now
 * @param expiresAt never sent after this instant; null means never expires
 * @param claimUntil while {@code processing}: until when the sender that claimed it owns the attempt; null otherwise
 */
public record MessageRecord(
        String id,
        String accountId,
        String deviceId,
        int shard,
        String phone,
        String group,
        MessageContent content,
        String reference,
        String quote,
        String quotedWaId,
        Priority priority,
        MessageStatus status,
        int retries,
        int attempts,
        String waId,
        String failureReason,
        Instant createdAt,
        Instant updatedAt,
        Instant deliverAt,
        Instant expiresAt,
        Instant sentAt,
        Instant deliveredAt,
        Instant readAt,
        Instant failedAt,
        Instant claimUntil) {

    /** The recipient as the driver addresses it: a phone number or a group id. */
    public String recipient() {
        return group != null ? group : phone;
    }

    /** Whether the message may no longer be sent at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * Whether the record is claimed by a sender whose claim still runs at {@code now}: nobody else may send it,
     * expire it or remove it until the claim ends or lapses. A claim written before claims had a lease has lapsed.
     */
    public boolean claimedAt(Instant now) {
        return status == MessageStatus.processing && claimUntil != null && now.isBefore(claimUntil);
    }

    /** Whether the message may be sent at {@code now} as far as its schedule goes. */
    public boolean dueAt(Instant now) {
        return deliverAt == null || !now.isBefore(deliverAt);
    }
}
