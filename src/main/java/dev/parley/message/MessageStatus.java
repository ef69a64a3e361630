package dev.parley.message;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of an outbound message. Status only moves forward, enforced by conditional writes:
 * scheduled → queued → processing → sent → delivered → read, or to one of the terminal outcomes
 * failed, expired, removed. The only step back is processing → queued, when a transient failure
 * returns the message to its queue for a retry.
 */
public enum MessageStatus {
    scheduled, queued, processing, sent, delivered, read, failed, expired, removed;

    /** Statuses from which {@code this} may be reached. */
    public Set<MessageStatus> predecessors() {
        return switch (this) {
            case scheduled -> EnumSet.noneOf(MessageStatus.class);
            case queued -> EnumSet.of(scheduled, processing);
            case processing -> EnumSet.of(queued, processing);
            case sent -> EnumSet.of(processing);
            case delivered -> EnumSet.of(sent);
            case read -> EnumSet.of(sent, delivered);
            case failed -> EnumSet.of(scheduled, queued, processing);
            case expired, removed -> EnumSet.of(scheduled, queued);
        };
    }

    /** Whether the message has left the send path for good: it will never be sent (again). */
    public boolean isFinal() {
        return this != scheduled && this != queued && this != processing;
    }
}
