package dev.parley.connector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An exact rate limit: at most {@code limit} events in any window of {@code window}. It keeps the time of
 * each of the last {@code limit} events, so the answer never rounds in the caller's favour. A lane records a
 * send at its completion (the instant its record's {@code sentAt} is taken, never before its start), so
 * the limit holds for what the network and the records show.
 */
public final class SlidingWindow {

    private final Deque<Instant> events = new ArrayDeque<>();
    private final Duration window;
    private volatile int limit;

    public SlidingWindow(int limit, Duration window) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.window = window;
    }

    /** The first instant at or after {@code now} when one more event is allowed. */
    public synchronized Instant nextAllowed(Instant now) {
        while (!events.isEmpty() && !events.peekFirst().plus(window).isAfter(now)) {
            events.pollFirst();
        }
        if (events.size() < limit) {
            return now;
        }
        // The (size - limit + 1)-th oldest event must leave the window first.
        int skip = events.size() - limit;
        Instant oldestThatMatters = events.stream().skip(skip).findFirst().orElseThrow();
        return oldestThatMatters.plus(window);
    }

    /** Records an event at {@code at}. */
    public synchronized void record(Instant at) {
        events.addLast(at);
        while (events.size() > Math.max(limit, 1) * 2) {
            events.pollFirst();
        }
    }

    /** Changes the limit, e.g. after a plan change; past events still count. */
    public void limit(int newLimit) {
        if (newLimit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + newLimit);
        }
        this.limit = newLimit;
    }

    public int limit() {
        return limit;
    }
}
