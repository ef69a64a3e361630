package dev.parley.connector;

import dev.parley.common.Priority;
import dev.parley.message.MessageRecord;

import java.util.Comparator;

/**
 * Where a message ranks among its device's waiting messages: priority (urgent first), then creation time, then
 * id. The held index keeps exactly this order (a partition per priority, sorted by creation time and id), so a
 * lane and a release agree on which message goes first.
 */
record SendRank(Priority priority, long created, String id) {

    static final Comparator<SendRank> ORDER = Comparator
            .comparingInt((SendRank r) -> r.priority().ordinal())
            .thenComparingLong(SendRank::created)
            .thenComparing(SendRank::id);

    /** Ranks before every message: a bound that holds back everything. */
    static final SendRank FIRST = new SendRank(Priority.values()[0], Long.MIN_VALUE, "");

    static SendRank of(MessageRecord record) {
        return new SendRank(record.priority(), record.createdAt().toEpochMilli(), record.id());
    }

    /** Whether this message goes out after {@code other}. */
    boolean after(SendRank other) {
        return ORDER.compare(this, other) > 0;
    }

    /** The better (earlier) of two ranks, either of which may be null. */
    static SendRank first(SendRank a, SendRank b) {
        return a == null ? b : b == null || b.after(a) ? a : b;
    }
}
