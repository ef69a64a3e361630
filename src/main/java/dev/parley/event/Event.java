package dev.parley.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One state change, as stored in the outbox and delivered to webhooks: a stable id receivers use to
 * de-duplicate, its type (e.g. {@code message:out:sent}), when it happened, whose it is, and the full
 * message or device as the API shows it.
 */
public record Event(String id, String type, Instant createdAt, String account, String device, JsonNode data) {

    /** Position in the account's stream: creation time, then id; strictly increasing per account. */
    @JsonIgnore
    public String key() {
        return EventOutbox.key(createdAt, id);
    }
}
