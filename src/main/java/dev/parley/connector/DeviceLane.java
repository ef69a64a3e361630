package dev.parley.connector;

import dev.parley.common.Priority;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    /** Longest real-time wait between checks, so clock changes and status flips are noticed quickly. */
    private static final long MAX_WAIT_MILLIS = 200;

    /** Ordering of waiting entries: priority (urgent first), then creation time, then id. */
    static final Comparator<Waiting> ORDER = Comparator
            .comparingInt((Waiting w) -> w.priority().ordinal())
            .thenComparingLong(Waiting::created)
            .thenComparing(Waiting::id);

    /** One waiting entry, with the real (not business) time until which SQS keeps it hidden. */
    record Waiting(ReceivedMessage entry, Priority priority, long created, String id, long visibleUntilNanos) {
        Waiting withVisibleUntil(long nanos) {
            return new Waiting(entry, priority, created, id, nanos);
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
    /** Whether the device may have held messages to release when the lane has room; checked once at start. */
    private volatile boolean heldWaiting = true;
    /** Released entries not yet back from SQS, and when they were released; room is kept for them. */
    private int inbound;
    private long releasedAtNanos;
    /** Counts holds, so a release that found the index empty does not clear a hold made meanwhile. */
    private int holds;
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
        this.thread = Thread.ofVirtual().name("lane-" + deviceId).start(this::run);
    }

    /** Takes an entry just received from the device's queue of {@code priority}. */
    void offer(ReceivedMessage entry, Priority priority) {
        Waiting w = new Waiting(entry, priority, entry.message().created(), entry.message().messageId(),
                System.nanoTime() + settings.visibility().toNanos());
        ReceivedMessage bounce = null;
        List<Waiting> toHold = List.of();
        lock.lock();
        try {
            if (!open) {
                bounce = entry;
            } else {
                if (waiting.isEmpty()) {
                    gather();
                }
                waiting.add(w);
                inbound = Math.max(0, inbound - 1);
                if (waiting.size() > capacity) {
                    Waiting worst = worst();
                    waiting.remove(worst);
                    toHold = List.of(worst);
                    startHolds(1);
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
        heldWaiting = true;
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
            left = new ArrayList<>(waiting);
            waiting.clear();
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
        int holdsBefore = 0;
        lock.lock();
        try {
            if (!open) {
                return;
            }
            toExtend = dueForExtension();
            boolean busy = !toExtend.isEmpty();
            if (holding == 0 && heldWaiting && online.getAsBoolean() && (toRelease = room()) > 0) {
                inbound += toRelease;
                releasedAtNanos = System.nanoTime();
                holdsBefore = holds;
            } else if (waiting.isEmpty()) {
                if (!busy) {
                    changed.await(MAX_WAIT_MILLIS * 5, TimeUnit.MILLISECONDS);
                }
            } else if (!online.getAsBoolean()) {
                toHold = new ArrayList<>(waiting);
                waiting.clear();
                startHolds(toHold.size());
            } else if (gatherUntilNanos - System.nanoTime() > 0) {
                if (!busy) {
                    long wait = TimeUnit.NANOSECONDS.toMillis(gatherUntilNanos - System.nanoTime()) + 1;
                    changed.await(Math.min(MAX_WAIT_MILLIS, wait), TimeUnit.MILLISECONDS);
                }
            } else {
                Instant now = clock.instant();
                Instant allowed = window.nextAllowed(now);
                if (!allowed.isAfter(now)) {
                    next = waiting.poll();
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
            release(toRelease, holdsBefore);
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
    private void startHolds(int count) {
        holding += count;
        holds++;
        heldWaiting = true;
    }

    /**
     * Hands entries to the connector's holder, which moves them into the held index side by side: under a flood,
     * overflow must leave SQS well within its visibility, or an entry handed out again could be sent while older
     * ones are held.
     */
    private void hold(List<Waiting> entries) {
        for (Waiting w : entries) {
            holder.hold(w.entry(), this::held);
        }
    }

    /** One hold handed to the holder is done (landed or failed). */
    private void held() {
        lock.lock();
        try {
            holding--;
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
                // The receipt is stale (the entry went back to the queue): let the queue hand it out again.
                if (waiting.remove(w) && !lost.contains(w.entry())) {
                    waiting.add(w.withVisibleUntil(renewedUntil));
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
     * their way; called with the lock held.
     */
    private int room() {
        if (inbound > 0 && System.nanoTime() - releasedAtNanos > settings.visibility().toNanos()) {
            inbound = 0; // Some never came back (sent elsewhere, removed): stop waiting for them.
        }
        int size = waiting.size() + inbound;
        return size > capacity / 2 ? 0 : capacity - size;
    }

    private void release(int max, int holdsBefore) {
        int released = 0;
        try {
            released = held.release(deviceId, max);
        } finally {
            lock.lock();
            try {
                inbound = Math.max(0, inbound - (max - released));
                if (released < max && holds == holdsBefore) {
                    heldWaiting = false;
                }
            } finally {
                lock.unlock();
            }
        }
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
