package dev.parley.connector;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a lane knows of its device's held messages, so that messages go out in order across a hold and a release:
 * a rank that no held message precedes, and the messages on their way back through SQS (released, or that left
 * the lane because their receipt went stale or their hold failed). The lane holds every arrival that ranks after a
 * held message (overtaking it would break the order the held index keeps), and sends no entry while a held message
 * or one on its way back ranks before it. Not thread-safe: the lane guards it with its lock.
 */
final class HeldFrontier {

    private static final Logger LOG = Logger.getLogger(HeldFrontier.class);

    /** A message on its way back, and since when. */
    private record Inbound(SendRank rank, long sinceNanos) {
    }

    private final long lapseNanos;
    private final Map<String, Inbound> inbound = new HashMap<>();
    /** False until a release has read the held index: until then the lane sends nothing. */
    private boolean known;
    /** No held message ranks before this; null when none is held. */
    private SendRank heldFrom;
    /** Holds started, so a release can tell whether any started while it ran. */
    private int holds;
    /** The best rank held since the last release started; null if none. */
    private SendRank heldDuring;
    /** Someone else may have held messages of the device (or released them): look at the index again. */
    private boolean recheck;

    /** {@code lapse}: how long a message may take to come back before the lane stops waiting for it. */
    HeldFrontier(Duration lapse) {
        this.lapseNanos = lapse.toNanos();
    }

    boolean known() {
        return known;
    }

    /** Nothing of the device is held, as the process knows without reading the index: the lane may send at once. */
    void nothingHeld() {
        known = true;
        heldFrom = null;
    }

    /**
     * Whether a held message may rank before {@code rank}: an arrival (not from a release) is then held, and a
     * waiting entry is not sent until a release has read the index again.
     */
    boolean mustHold(SendRank rank) {
        return known && heldFrom != null && rank.after(heldFrom);
    }

    /** An entry arrived; true if it was one the lane was waiting for. */
    boolean arrived(String id) {
        return inbound.remove(id) != null;
    }

    /** Entries of these ranks are about to be held. */
    void holding(List<SendRank> ranks) {
        holds++;
        for (SendRank rank : ranks) {
            heldFrom = SendRank.first(heldFrom, rank);
            heldDuring = SendRank.first(heldDuring, rank);
        }
    }

    /** Whether the held index should be read: unknown yet, something held, or asked to look again. */
    boolean wantsRelease() {
        return !known || heldFrom != null || recheck;
    }

    void recheck() {
        recheck = true;
    }

    /** A message is on its way back through SQS (released, a stale receipt, a failed hold): wait for it. */
    void expect(SendRank rank, long nowNanos) {
        inbound.put(rank.id(), new Inbound(rank, nowNanos));
    }

    /** A token to pass to {@link #released}: the holds started so far. */
    int releasing() {
        heldDuring = null;
        return holds;
    }

    /**
     * A release started at {@code token} is done (its messages were {@link #expect}ed as it queued them, so one that
     * arrives before the release ends is not waited for). It read the held index from its start, so what it read
     * bounds what is still held, together with what was held while it ran: nothing more if it drained the index,
     * else nothing ranking before the last message it queued. Holds cannot have started before it and still be
     * under way (the lane releases only when every hold is done). A release that failed bounds what is held by its
     * floor, or, when it cannot tell, by what was known before (everything, if nothing was).
     */
    void released(HeldMessages.Release release, int token) {
        release.reheld().forEach(rank -> inbound.remove(rank.id())); // back in the index: they will not arrive
        SendRank during = holds == token ? null : heldDuring;
        if (release.failed()) {
            SendRank floor = release.floor() != null ? release.floor()
                    : known && heldFrom != null ? heldFrom : SendRank.FIRST;
            heldFrom = SendRank.first(during, floor);
            known = true;
            return;
        }
        SendRank last = release.queued().stream().max(SendRank.ORDER).orElse(null);
        if (!release.drained() && last == null) {
            return; // read nothing it could queue (dropped, expired): look again
        }
        if (release.drained()) {
            heldFrom = during;
            recheck = recheck && during != null;
        } else {
            heldFrom = SendRank.first(during, last);
        }
        known = true;
    }

    /** Messages still on their way back; those that took longer than the lapse are given up on. */
    int inFlight(long nowNanos) {
        inbound.values().removeIf(in -> {
            boolean lapsed = nowNanos - in.sinceNanos() > lapseNanos;
            if (lapsed) {
                LOG.debugf("Gave up waiting for message=%s to come back", in.rank().id());
            }
            return lapsed;
        });
        return inbound.size();
    }

    /** No held message ranks before this; null when none is held (for logging). */
    SendRank heldFrom() {
        return heldFrom;
    }

    /** Whether an entry of {@code rank} must wait for a message on its way back that ranks before it. */
    boolean awaitsReturn(SendRank rank, long nowNanos) {
        if (inFlight(nowNanos) == 0) {
            return false;
        }
        for (Inbound in : inbound.values()) {
            if (rank.after(in.rank())) {
                return true;
            }
        }
        return false;
    }
}
