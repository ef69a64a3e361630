package dev.parley.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.common.MessageContent;
import dev.parley.common.Priority;

import java.time.Instant;

/**
 * A message as the API shows it. Not a record on purpose: each field is assigned by name from the
 * {@link MessageRecord}, so a field added to either side cannot silently shift the others, as one long
 * positional constructor call could (eight instants and a dozen strings in a row).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class MessageView {

    public final String id;
    public final String device;
    public final String phone;
    public final String group;
    public final MessageContent.Kind kind;
    public final String message;
    public final String link;
    public final MessageContent.Media media;
    public final MessageContent.Location location;
    public final String reference;
    public final String quote;
    public final Priority priority;
    public final MessageStatus status;
    public final int retries;
    public final int attempts;
    public final String waId;
    public final String failureReason;
    public final Instant createdAt;
    public final Instant updatedAt;
    public final Instant deliverAt;
    public final Instant expiresAt;
    public final Instant sentAt;
    public final Instant deliveredAt;
    public final Instant readAt;
    public final Instant failedAt;

    private MessageView(MessageRecord r) {
        id = r.id();
        device = r.deviceId();
        phone = r.phone();
        group = r.group();
        MessageContent content = r.content();
        kind = content.kind();
        message = content.text();
        link = content.link();
        media = content.media();
        location = content.location();
        reference = r.reference();
        quote = r.quote();
        priority = r.priority();
        status = r.status();
        retries = r.retries();
        attempts = r.attempts();
        waId = r.waId();
        failureReason = r.failureReason();
        createdAt = r.createdAt();
        updatedAt = r.updatedAt();
        deliverAt = r.deliverAt();
        expiresAt = r.expiresAt();
        sentAt = r.sentAt();
        deliveredAt = r.deliveredAt();
        readAt = r.readAt();
        failedAt = r.failedAt();
    }

    /** The view of a stored record. */
    public static MessageView of(MessageRecord record) {
        return new MessageView(record);
    }
}
