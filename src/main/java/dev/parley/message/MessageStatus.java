package dev.parley.message;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of an outbound message. Status only moves forward, enforced by conditional writes:
 * queued → processing → sent → delivered → read, or to one of the terminal failures.
 */
public enum MessageStatus {
    queued, processing, sent, delivered, read, failed, expired, removed;

    /** Statuses from which {@code this} may be reached. */
    public Set<MessageStatus> predecessors() {
        return switch (this) {
            case queued -> EnumSet.of(processing);
            case processing -> EnumSet.of(queued, processing);
            case sent -> EnumSet.of(processing);
            case delivered -> EnumSet.of(sent);
            case read -> EnumSet.of(sent, delivered);
            case failed -> EnumSet.of(queued, processing);
            case expired, removed -> EnumSet.of(queued);
        };
    }

    /** Whether the message has left the queue for good: it will never be sent (again). */
    public boolean isFinal() {
        return this != queued && this != processing;
    }
}
