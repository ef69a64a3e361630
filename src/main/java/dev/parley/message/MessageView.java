package dev.parley.message;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A message as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageView(
        String id,
        String device,
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

    public static MessageView of(MessageRecord r) {
        return new MessageView(r.id(), r.deviceId(), r.phone(), r.message(), r.reference(), r.priority(), r.status(),
                r.attempts(), r.waId(), r.failureReason(), r.createdAt(), r.updatedAt(), r.sentAt(), r.deliveredAt(),
                r.readAt(), r.failedAt());
    }
}
