package dev.parley.message;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of an outbound message. Status only moves forward, enforced by conditional writes:
 * scheduled → queued → processing → sent → delivered → read, or to one of the terminal outcomes
 * failed, expired, removed. The only step back is processing → queued, when a transient failure
 * returns the message to its queue for a retry. A {@code processing} record is claimed by one sender for a
 * lease: only once that lease has lapsed may another sender re-claim it (processing → processing, recorded as
 * an attempt), or an expiry or removal end it (see {@link #overridesClaim()}).
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
            case expired, removed -> EnumSet.of(scheduled, queued, processing);
        };
    }

    /**
     * Whether reaching this status from {@code processing} takes the claim there to have lapsed: a re-claim, an
     * expiry or a removal must not cut into a send in flight. Only the claimer itself moves a live claim on (to
     * sent, failed or back to queued).
     */
    public boolean overridesClaim() {
        return this == processing || this == expired || this == removed;
    }

    /** Whether the message has left the send path for good: it will never be sent (again). */
    public boolean isFinal() {
        return this != scheduled && this != queued && this != processing;
    }
}
