package dev.parley.message;

import dev.parley.common.MessageContent;

import dev.parley.common.Priority;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A message as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageView(
        String id,
        String device,
        String phone,
        String group,
        MessageContent.Kind kind,
        String message,
        String link,
        MessageContent.Media media,
        MessageContent.Location location,
        String reference,
        String quote,
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
        Instant failedAt) {

    public static MessageView of(MessageRecord r) {
        MessageContent c = r.content();
        return new MessageView(r.id(), r.deviceId(), r.phone(), r.group(), c.kind(), c.text(), c.link(), c.media(),
                c.location(), r.reference(), r.quote(), r.priority(), r.status(), r.retries(), r.attempts(), r.waId(),
                r.failureReason(), r.createdAt(), r.updatedAt(), r.deliverAt(), r.expiresAt(), r.sentAt(),
                r.deliveredAt(), r.readAt(), r.failedAt());
    }
}
