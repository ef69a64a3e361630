package dev.parley.connector;

import dev.parley.common.Priority;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The send scheduler of one device. Entries received from the device's queues wait here, ordered by
 * priority and then age; one virtual thread sends the best waiting entry whenever the device is online
 * and its sliding-window rate allows. While the device is offline, waiting entries are handed to the
 * connector's {@link OverflowHolder} and leave SQS for the held index. The lane keeps at most {@code capacity}
 * entries: when full, the worst-ranked entry is held the same way, so an urgent message always finds room, and
 * held entries are released, best first, once every hold has landed and the lane has drained to half. An entry
 * is thus received from SQS a bounded number of times however long the backlog, never bounced back to its queue
 * again and again, and holding a flood never stalls the lane's sends.
 */
final class DeviceLane {

    private static final Logger LOG = Logger.getLogger(DeviceLane.class);
    /** The least a lane waits for a message on its way back through SQS before letting later ones go. */
    private static final Duration LEAST_RETURN_WAIT = Duration.ofMinutes(1);
    /** Longest real-time wait between checks, so clock changes and status flips are noticed quickly. */
    private static final long MAX_WAIT_MILLIS = 200;

    /** Ordering of waiting entries: by {@link SendRank}. */
    static final Comparator<Waiting> ORDER = Comparator.comparing(Waiting::rank, SendRank.ORDER);
    /** How long a lane waits before reading the held index again after a release failed. */
    private static final long RELEASE_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * One waiting entry, with the real (not business) time until which SQS keeps it hidden; {@code released} when
     * it was queued by a release of held messages.
     */
    record Waiting(ReceivedMessage entry, SendRank rank, boolean released, long visibleUntilNanos) {
        Waiting withVisibleUntil(long nanos) {
            return new Waiting(entry, rank, released, nanos);
        }

        String id() {
            return rank.id();
        }
    }

    private final String deviceId;
    private final MessageSender sender;
    private final OutboundQueue queue;
    private final OverflowHolder holder;
    private final HeldMessages held;
    private final BooleanSupplier online;
    private final SlidingWindow window;
    private final Clock clock;
    private final Settings settings;
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>(ORDER);
    /** The same entries by message id, to spot a second entry of a message already waiting. */
    private final Map<String, Waiting> waitingById = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean open = true;
    private volatile int capacity;
    /** Real time before which the lane sends nothing, so entries arriving together are ranked together. */
    private long gatherUntilNanos;
    /**
     * Holds handed to the holder and not yet done: nothing is released meanwhile, or a released entry could overtake
     * an older one still on its way into the held index.
     */
    private int holding;
    /** The device's held messages as this lane knows them; guarded by {@link #lock}. */
    private final HeldFrontier frontier;
    /** Real time before which the lane does not read the held index again, after a release failed. */
    private long releaseNotBeforeNanos;
    private final Thread thread;

    /**
     * Timing knobs of a lane.
     *
     * @param gather how long a lane that was idle, or whose device just changed state, waits before its first
     *               send, so that a burst (a release of held messages arriving over four queues) is sent in
     *               priority order rather than in arrival order
     * @param maxEntries the most entries a lane keeps, whatever its rate; the rest are held in DynamoDB
     * @param handOverGrace how long a hand-over waits for a send in flight before interrupting it
     * @param rateWindow the window a plan's messages per minute are counted in (a minute in service)
     */
    record Settings(Duration visibility, Duration overflowDelay, Duration gather, int maxEntries,
                    Duration handOverGrace, Duration rateWindow) {

        /** Room for five minutes of sends, never less than 50 entries nor more than {@code maxEntries}. */
        int capacityFor(int messagesPerMinute) {
            return Math.min(maxEntries, Math.max(50, messagesPerMinute * 5));
        }
    }

    DeviceLane(String deviceId, int messagesPerMinute, MessageSender sender, OutboundQueue queue,
               OverflowHolder holder, HeldMessages held, BooleanSupplier online, Clock clock, Settings settings) {
        this.deviceId = deviceId;
        this.sender = sender;
        this.queue = queue;
        this.holder = holder;
        this.held = held;
        this.online = online;
        this.clock = clock;
        this.settings = settings;
        this.window = new SlidingWindow(messagesPerMinute, settings.rateWindow());
        this.capacity = settings.capacityFor(messagesPerMinute);
        // An entry coming back reappears within one visibility of leaving the lane; the poller may take a while more
        // on a busy host. Waiting longer costs only in the rare case that it never comes (its queue write failed),
        // while giving up too soon lets later messages overtake it: never less than a minute, whatever the visibility.
        this.frontier = new HeldFrontier(Collections.max(List.of(settings.visibility().multipliedBy(2),
                LEAST_RETURN_WAIT)));
        if (!held.mayHaveHeld(deviceId)) {
            frontier.nothingHeld(); // no read of the held index before the first send
        }
        this.thread = Thread.ofVirtual().name("lane-" + deviceId).start(this::run);
    }

    /**
     * Takes an entry just received from the device's queue of {@code priority}. An entry that ranks after one of
     * the device's held messages is held too, unless a release queued it: it must not overtake them.
     */
    void offer(ReceivedMessage entry, Priority priority) {
        Waiting w = new Waiting(entry, new SendRank(priority, entry.message().created(), entry.message().messageId()),
                entry.message().released(), System.nanoTime() + settings.visibility().toNanos());
        ReceivedMessage bounce = null;
        List<Waiting> toHold = List.of();
        lock.lock();
        try {
            boolean awaited = open && frontier.arrived(w.id());
            Waiting replaced = open ? waitingById.get(w.id()) : null;
            if (LOG.isDebugEnabled()) { // five arguments: an array on every arrival, under the lane's lock
                LOG.debugf("Lane %s: message=%s arrived (released=%b, awaited=%b, waiting=%b)", deviceId, w.id(),
                        w.released(), awaited, replaced != null);
            }
            if (!open) {
                bounce = entry;
            } else if (replaced != null) {
                // A second entry of a waiting message (a repair's copy, or the same entry handed out again after its
                // visibility lapsed): keep the fresher receipt. The other is left alone, not deleted: on SQS a stale
                // receipt may still delete the message. Holding the copy instead would mark the record held under
                // the waiting entry, which then could not be sent until a release.
                take(replaced);
                put(new Waiting(entry, w.rank(), w.released() || replaced.released(), w.visibleUntilNanos()));
            } else if (!w.released() && !awaited && frontier.mustHold(w.rank())) {
                LOG.debugf("Lane %s: message=%s ranks after a held one; held", deviceId, w.id());
                toHold = List.of(w);
                startHolds(toHold);
            } else {
                if (waiting.isEmpty() && mayGather(w, awaited)) {
                    gather();
                }
                put(w);
                if (waiting.size() > capacity) {
                    Waiting worst = worst();
                    take(worst);
                    toHold = List.of(worst);
                    startHolds(toHold);
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (bounce != null) {
            queue.retryAfter(bounce, settings.overflowDelay());
        }
        hold(toHold);
    }

    /** The device's plan changed. */
    void rate(int messagesPerMinute) {
        if (window.limit() != messagesPerMinute) {
            window.limit(messagesPerMinute);
            capacity = settings.capacityFor(messagesPerMinute);
        }
    }

    /** Tells the lane that the device may have held messages, which it releases once it has room. */
    void heldMayWait() {
        lock.lock();
        try {
            frontier.recheck();
        } finally {
            lock.unlock();
        }
        wake();
    }

    /** Wakes the lane, e.g. because the device came online; what arrives next is gathered before sending. */
    void wake() {
        lock.lock();
        try {
            gather();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the lane. With {@code handOver}, a send in flight finishes first and waiting entries return to
     * their queues at once for whoever sends next; without, the lane stops at once and its entries are
     * abandoned, reappearing when their visibility lapses, as after a crash.
     */
    void close(boolean handOver) {
        List<Waiting> left;
        lock.lock();
        try {
            open = false;
            left = takeAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (handOver && thread != Thread.currentThread()) {
            // Interrupted halfway, a send could leave its record claimed and go out again from the next owner.
            try {
                thread.join(settings.handOverGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        thread.interrupt();
        if (handOver) {
            for (Waiting w : left) {
                try {
                    queue.retryAfter(w.entry(), Duration.ZERO);
                } catch (RuntimeException e) {
                    LOG.debugf("Hand-over of message=%s failed; it returns after its visibility lapses", w.id());
                }
            }
        }
    }

    private void run() {
        while (open) {
            try {
                step();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "Lane of device=%s hit an error; continuing", deviceId);
            }
        }
    }

    private void step() throws InterruptedException {
        Waiting next = null;
        List<Waiting> toHold = List.of();
        List<Waiting> toExtend;
        int toRelease = 0;
        int token = 0;
        lock.lock();
        try {
            if (!open) {
                return;
            }
            toExtend = dueForExtension();
            boolean busy = !toExtend.isEmpty();
            // A held message may rank before the best waiting entry: only a release can tell, room or not.
            boolean behind = !waiting.isEmpty() && frontier.mustHold(waiting.peek().rank());
            if (holding == 0 && frontier.wantsRelease() && online.getAsBoolean()
                    && System.nanoTime() - releaseNotBeforeNanos >= 0 && (toRelease = room(behind)) > 0) {
                token = frontier.releasing();
            } else if (waiting.isEmpty()) {
                if (!busy) {
                    changed.await(MAX_WAIT_MILLIS * 5, TimeUnit.MILLISECONDS);
                }
            } else if (!online.getAsBoolean()) {
                toHold = takeAll();
                startHolds(toHold);
            } else if (!frontier.known() || behind
                    || frontier.awaitsReturn(waiting.peek().rank(), System.nanoTime())) {
                // Until a release has looked, a held message may rank first; one on its way back may too.
                if (!busy) {
                    changed.await(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
            } else if (gatherUntilNanos - System.nanoTime() > 0) {
                if (!busy) {
                    long wait = TimeUnit.NANOSECONDS.toMillis(gatherUntilNanos - System.nanoTime()) + 1;
                    changed.await(Math.min(MAX_WAIT_MILLIS, wait), TimeUnit.MILLISECONDS);
                }
            } else {
                Instant now = clock.instant();
                Instant allowed = window.nextAllowed(now);
                if (!allowed.isAfter(now)) {
                    next = takeBest();
                    LOG.debugf("Lane %s: sending message=%s", deviceId, next.id());
                } else if (!busy) {
                    long wait = Math.min(MAX_WAIT_MILLIS, Duration.between(now, allowed).toMillis() + 1);
                    changed.await(wait, TimeUnit.MILLISECONDS);
                }
            }
        } finally {
            lock.unlock();
        }
        extend(toExtend);
        hold(toHold);
        if (toRelease > 0) {
            release(toRelease, token);
        }
        if (next != null) {
            send(next);
        }
    }

    /**
     * Sends one entry and counts it in the rate window at the record's {@code sentAt} (taken when the driver's
     * send returned), else at the later of its start and its completion: spacing by starts alone would let a
     * slow send put more than the limit of {@code sentAt} values in one window. An attempt that threw may have
     * reached the network, so it counts too.
     */
    private void send(Waiting next) {
        Instant started = clock.instant();
        MessageSender.Processed processed = null;
        try {
            processed = sender.process(next.entry());
        } finally {
            if (processed == null || processed.attempted()) {
                Instant completed = clock.instant();
                // Exactly the record's sentAt when there is one, so the window neither lags nor leads what it shows.
                window.record(processed != null && processed.sentAt() != null ? processed.sentAt()
                        : completed.isAfter(started) ? completed : started);
            }
        }
    }

    /** Counts holds about to be handed to the holder; called with the lock held. */
    private void startHolds(List<Waiting> entries) {
        holding += entries.size();
        frontier.holding(entries.stream().map(Waiting::rank).toList());
    }

    /**
     * Hands entries to the connector's holder, which moves them into the held index side by side: under a flood,
     * overflow must leave SQS well within its visibility, or an entry handed out again could be sent while older
     * ones are held.
     */
    private void hold(List<Waiting> entries) {
        for (Waiting w : entries) {
            holder.hold(w.entry(), landed -> held(w, landed));
        }
    }

    /** One hold handed to the holder is done; one that failed leaves the entry to come back from SQS. */
    private void held(Waiting w, boolean landed) {
        lock.lock();
        try {
            holding--;
            if (!landed) {
                LOG.debugf("Lane %s: hold of message=%s failed; it comes back", deviceId, w.id());
                frontier.expect(w.rank(), System.nanoTime());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waiting entries whose SQS visibility runs out soon; called with the lock held. */
    private List<Waiting> dueForExtension() {
        // Renew when a third of the visibility is left, so a slow renewal never lets an entry slip out.
        long soon = System.nanoTime() + settings.visibility().toNanos() / 3;
        List<Waiting> due = new ArrayList<>();
        for (Waiting w : waiting) {
            if (w.visibleUntilNanos() < soon) {
                due.add(w);
            }
        }
        return due;
    }

    /** Renews the visibility of {@code due} in one batched call; an entry whose receipt went stale leaves the lane. */
    private void extend(List<Waiting> due) {
        if (due.isEmpty()) {
            return;
        }
        long renewedUntil = System.nanoTime() + settings.visibility().toNanos();
        Set<ReceivedMessage> lost = Set.copyOf(queue.extendVisibility(due.stream().map(Waiting::entry).toList(),
                settings.visibility()));
        lock.lock();
        try {
            for (Waiting w : due) {
                // The receipt is stale (the entry went back to the queue): let the queue hand it out again, and send
                // nothing that ranks after it until it is back.
                if (waitingById.get(w.id()) == w) {
                    take(w);
                    if (lost.contains(w.entry())) {
                        LOG.debugf("Lane %s: receipt of message=%s went stale; it comes back", deviceId, w.id());
                        frontier.expect(w.rank(), System.nanoTime());
                    } else {
                        put(w.withVisibleUntil(renewedUntil));
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (!lost.isEmpty()) {
            LOG.debugf("Could not extend visibility of %d entries of device=%s", lost.size(), deviceId);
        }
    }

    /**
     * How many held entries to release now: none until the lane has drained to half (so released entries are
     * not pushed out again by the next arrivals), then enough to fill it, less those released and still on
     * their way; called with the lock held. A lane {@code behind} a held message releases at least one.
     */
    private int room(boolean behind) {
        int size = waiting.size() + frontier.inFlight(System.nanoTime());
        if (!frontier.known() || behind) {
            // The first look at the held index, or the one that lets the best waiting entry go, happens even when
            // the lane is full.
            return Math.max(1, capacity - size);
        }
        return size > capacity / 2 ? 0 : capacity - size;
    }

    /**
     * Queues up to {@code max} held messages again, best first, and learns from what the release read; waiting
     * entries that now turn out to rank after a held message are held in their turn.
     */
    private void release(int max, int token) {
        HeldMessages.Release release;
        try {
            release = held.releaseBest(deviceId, max, this::expect);
        } catch (RuntimeException e) {
            lock.lock();
            try {
                releaseNotBeforeNanos = System.nanoTime() + RELEASE_BACKOFF_NANOS;
            } finally {
                lock.unlock();
            }
            throw e;
        }
        List<Waiting> toHold = new ArrayList<>();
        lock.lock();
        try {
            if (release.failed()) {
                // The lane now waits for a release that does not fail: not at once, the store or queue is ailing.
                releaseNotBeforeNanos = System.nanoTime() + RELEASE_BACKOFF_NANOS;
            }
            frontier.released(release, token);
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Lane %s: release queued %d (last %s), drained=%b, failed=%b, floor=%s; held from %s",
                        deviceId, release.queued().size(), release.queued().isEmpty() ? null
                                : release.queued().getLast().id(), release.drained(), release.failed(),
                        release.floor(), frontier.heldFrom());
            }
            for (Waiting w : waiting) {
                if (!w.released() && frontier.mustHold(w.rank())) {
                    toHold.add(w);
                }
            }
            if (!toHold.isEmpty()) {
                toHold.forEach(this::take);
                startHolds(toHold);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        hold(toHold);
    }

    /** A released message is about to be queued: wait for it. */
    private void expect(SendRank rank) {
        lock.lock();
        try {
            LOG.debugf("Lane %s: message=%s released, expected back", deviceId, rank.id());
            frontier.expect(rank, System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether an entry reaching an idle lane waits a gather window for others to rank with it: a released entry the
     * lane did not ask for, or one that waited in SQS (delayed, retried, left by a crash or by a previous owner),
     * since others may be arriving with it from the other queues. A fresh message goes out at once, in a new lane as
     * in one at work: what a start or a takeover finds waiting is older than the window, so it is gathered.
     */
    private boolean mayGather(Waiting w, boolean awaited) {
        boolean stale = clock.millis() - w.rank().created() > settings.gather().toMillis();
        return stale || w.released() && !awaited;
    }

    /** Adds a waiting entry; called with the lock held. */
    private void put(Waiting w) {
        waiting.add(w);
        waitingById.put(w.id(), w);
    }

    /** Removes a waiting entry; called with the lock held. */
    private void take(Waiting w) {
        waiting.remove(w);
        waitingById.remove(w.id());
    }

    /** Removes and answers the best waiting entry; called with the lock held. */
    private Waiting takeBest() {
        Waiting best = waiting.poll();
        waitingById.remove(best.id());
        return best;
    }

    /** Removes every waiting entry; called with the lock held. */
    private List<Waiting> takeAll() {
        List<Waiting> all = new ArrayList<>(waiting);
        waiting.clear();
        waitingById.clear();
        return all;
    }

    /** Starts a gather window; called with the lock held. */
    private void gather() {
        gatherUntilNanos = System.nanoTime() + settings.gather().toNanos();
    }

    private Waiting worst() {
        Waiting worst = null;
        for (Waiting w : waiting) {
            if (worst == null || ORDER.compare(w, worst) > 0) {
                worst = w;
            }
        }
        return worst;
    }
}
