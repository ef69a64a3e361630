package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.common.Priority;
import dev.parley.message.IndexPages;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageService;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Holds the messages of an offline device (or those a full lane has no room for) outside SQS, for as long as
 * it takes, and queues them again, best first, when it returns (or the lane has room). A held message keeps
 * status {@code queued} and sits in the store's held index, by priority and then creation; its queue entry is
 * deleted only after the record is marked held, so a crash in between leaves a duplicate entry at worst, never
 * a lost message.
 */
@ApplicationScoped
public class HeldMessages {

    private static final Logger LOG = Logger.getLogger(HeldMessages.class);
    /** Messages a lane's release queues side by side. */
    private static final int RELEASES_AT_ONCE = 8;

    private final MessageStore store;
    private final MessageService messages;
    private final OutboundQueue queue;
    private final ConnectorConfig config;
    private final Clock clock;
    private final Map<String, ReentrantLock> releasing = new ConcurrentHashMap<>();
    /**
     * The last mark of each device this process owns: a hold begun or ended for it, a sweep choosing it, or a
     * release that read its index to the end and so found it {@linkplain Mark#empty empty}. Only devices known to be
     * empty are skipped by a sweep (10,000 idle devices would otherwise cost 10,000 index reads every 30 s) and
     * start a lane without reading the index; one without a mark may hold messages (a previous owner's, or from
     * before a restart).
     */
    private final Map<String, Mark> marks = new ConcurrentHashMap<>();
    private final AtomicLong holdsBegun = new AtomicLong();

    public HeldMessages(MessageStore store, MessageService messages, OutboundQueue queue, ConnectorConfig config,
                        Clock clock) {
        this.store = store;
        this.messages = messages;
        this.queue = queue;
        this.config = config;
        this.clock = clock;
    }

    /** Moves one entry of an offline device, or one a full lane has no room for, out of SQS into the held index. */
    public void hold(ReceivedMessage entry) {
        if (entry.message() == null) {
            queue.delete(entry);
            return;
        }
        String id = entry.message().messageId();
        if (held(id, entry.message().deviceId(), entry.queue().priority())) {
            queue.delete(entry);
            return;
        }
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null || record.status().isFinal()) {
            queue.delete(entry);
        } else {
            // Being sent elsewhere right now (processing): look again later.
            queue.retryAfter(entry, config.offlineRecheck());
        }
    }

    /**
     * Writes one hold, with the device marked before and after: a release that read the index while the write was
     * under way (and so did not see it) then finds the mark changed and keeps it.
     */
    private boolean held(String id, String deviceId, Priority priority) {
        holding(deviceId);
        try {
            return Blocking.await(store.hold(id, deviceId, priority));
        } finally {
            holding(deviceId);
        }
    }

    /**
     * This process takes the device on, or suspects it again: it may have held messages (what a previous owner held
     * is unknown) until a release finds none. Those holds ended before the previous owner's lease did, so the index
     * shows them already.
     */
    public void mayHold(String deviceId) {
        marks.put(deviceId, new Mark(holdsBegun.incrementAndGet(), System.nanoTime(), false));
    }

    /** A hold of one of the device's messages begins or ends, or is about to begin. */
    void holding(String deviceId) {
        marks.put(deviceId, new Mark(holdsBegun.incrementAndGet(), System.nanoTime() + config.heldIndexSettle().toNanos(),
                false));
    }

    /** Puts the device behind the others in the sweep's order, keeping the time its index settles. */
    private void markSwept(String deviceId) {
        marks.compute(deviceId, (id, mark) -> new Mark(holdsBegun.incrementAndGet(),
                mark == null ? System.nanoTime() : mark.settles(), false));
    }

    /** Whether the device may have held messages; false only when a release found none and no hold began since. */
    public boolean mayHaveHeld(String deviceId) {
        Mark mark = marks.get(deviceId);
        return mark == null || !mark.empty();
    }

    /**
     * Up to {@code most} of {@code devices} that may have held messages, those marked longest ago first; each is
     * marked again, so a device whose release leaves messages held (a full lane takes only its room) goes behind
     * the others rather than ahead of them every sweep.
     */
    public List<String> mayHoldFor(Collection<String> devices, int most) {
        List<String> chosen = devices.stream().filter(this::mayHaveHeld)
                .sorted(Comparator.comparingLong(id -> {
                    Mark mark = marks.get(id);
                    return mark == null ? 0 : mark.number();
                })).limit(most).toList();
        chosen.forEach(this::markSwept);
        return chosen;
    }

    /** This process no longer owns the device. */
    public void forget(String deviceId) {
        marks.remove(deviceId);
    }

    /**
     * Queues every held message of a device again, in send order (priority, then age), so the best ones reach
     * the device's lane first; answers how many were released.
     */
    public int release(String deviceId) {
        return release(deviceId, Integer.MAX_VALUE);
    }

    /**
     * Queues at most {@code max} held messages of a device again, the best first; answers how many. Releases of
     * one device run one at a time, so two callers never queue the same message twice.
     */
    public int release(String deviceId, int max) {
        return exclusively(deviceId, () -> releaseBestFirst(deviceId, max, 1, rank -> { })).queued().size();
    }

    /**
     * The {@code number}th mark of a device, whose held index shows every hold begun so far from {@code settles}
     * on ({@link System#nanoTime}); {@code empty} when a release found the index empty and nothing was marked since.
     * The held index is a DynamoDB global secondary index, which shows a write a moment after it lands
     * ({@link ConnectorConfig#heldIndexSettle}): a release finds a device empty only once its index has settled, or a
     * hold that just ended could stay unseen until every device is suspected again.
     */
    private record Mark(long number, long settles, boolean empty) {

        boolean settled() {
            return System.nanoTime() - settles >= 0;
        }

        Mark asEmpty() {
            return new Mark(number, settles, true);
        }
    }

    /**
     * What one release did: the ranks of the messages it queued again, best first; whether it read the held index
     * to its end (so nothing was left held when it looked); whether any message it read could not be queued, and
     * then a rank none of those precedes ({@code floor}, null when the release cannot tell: one failed before it
     * queued anything); and the ranks of those put back among the held after their queue write failed (they will
     * not arrive).
     */
    record Release(List<SendRank> queued, boolean drained, boolean failed, SendRank floor, List<SendRank> reheld) {

        /** A release that queued what it read without a failure. */
        Release(List<SendRank> queued, boolean drained) {
            this(queued, drained, false, null, List.of());
        }
    }

    /**
     * As {@link #release(String, int)}, but queuing up to {@value #RELEASES_AT_ONCE} messages side by side, for a
     * lane that keeps them in order itself: {@code queuing} learns each rank before its entry is queued, so the
     * lane waits for what ranks first. Answers what was queued, best first, and whether the index was read to its
     * end.
     */
    Release releaseBest(String deviceId, int max, Consumer<SendRank> queuing) {
        return exclusively(deviceId, () -> releaseBestFirst(deviceId, max, RELEASES_AT_ONCE, queuing));
    }

    private <T> T exclusively(String deviceId, Supplier<T> release) {
        ReentrantLock lock = releasing.computeIfAbsent(deviceId, id -> new ReentrantLock());
        lock.lock();
        try {
            return release.get();
        } finally {
            lock.unlock();
        }
    }

    private Release releaseBestFirst(String deviceId, int max, int atOnce, Consumer<SendRank> queuing) {
        Mark marked = marks.get(deviceId);
        List<SendRank> queued = new ArrayList<>();
        List<SendRank> reheld = new ArrayList<>();
        int seen = 0;
        boolean drained = false;
        boolean failed = false;
        SendRank floor = null;
        // Every id read leaves the held index, so reading again from its start until a short page drains it.
        while (seen < max) {
            int page = Math.min(IndexPages.PAGE_SIZE, max - seen);
            List<String> ids = Blocking.await(store.heldFor(deviceId, page));
            SendRank before = queued.stream().max(SendRank.ORDER).orElse(null);
            Outcome outcome = releaseAll(ids, atOnce, queuing);
            outcome.queued().forEach(released -> queued.add(SendRank.of(released)));
            reheld.addAll(outcome.reheld());
            seen += ids.size();
            if (outcome.failed()) {
                failed = true;
                floor = floor(outcome, before);
                break; // what failed is still held: not drained, whatever the page's length
            }
            if (ids.size() < page) {
                drained = true;
                break;
            }
        }
        if (!queued.isEmpty()) {
            LOG.infof("Released %d held message(s) of device=%s", queued.size(), deviceId);
        }
        if (drained && marked != null && marked.settled()) {
            marks.replace(deviceId, marked, marked.asEmpty()); // not if a hold began or ended since the read
        }
        return new Release(queued, drained, failed, floor, reheld);
    }

    /**
     * A rank no message of a failed batch that is still held precedes, or null if none is known. The index is read
     * in send order, so one that threw ranks after everything queued before it ({@code before}: earlier pages).
     */
    private static SendRank floor(Outcome outcome, SendRank before) {
        SendRank reheld = outcome.reheld().stream().min(SendRank.ORDER).orElse(null);
        if (!outcome.threw()) {
            return reheld;
        }
        SendRank threw = outcome.floor() != null ? outcome.floor() : before;
        return threw == null ? null : SendRank.first(threw, reheld);
    }

    /**
     * The records a batch of releases queued, in index order; whether any release failed, and whether one threw,
     * with the last rank queued before the first that threw ({@code floor}, null if none); the ranks of those put
     * back among the held.
     */
    private record Outcome(List<MessageRecord> queued, boolean failed, boolean threw, SendRank floor,
                           List<SendRank> reheld) {
    }

    /**
     * Releases {@code ids}, {@code atOnce} at a time. One at a time, entries reach SQS, and so a lane that does not
     * know what was released, in send order. A failure is thrown only when nothing was queued.
     */
    private Outcome releaseAll(List<String> ids, int atOnce, Consumer<SendRank> queuing) {
        List<SendRank> reheld = new CopyOnWriteArrayList<>();
        if (atOnce <= 1) {
            List<MessageRecord> queued = ids.stream().map(id -> releaseOne(id, queuing, reheld))
                    .filter(Objects::nonNull).toList();
            return new Outcome(queued, !reheld.isEmpty(), false, null, List.copyOf(reheld));
        }
        Semaphore slots = new Semaphore(atOnce);
        List<Future<MessageRecord>> releases = new ArrayList<>();
        try (ExecutorService side = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : ids) {
                releases.add(side.submit(() -> {
                    slots.acquire();
                    try {
                        return releaseOne(id, queuing, reheld);
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        List<MessageRecord> queued = new ArrayList<>();
        RuntimeException failure = null;
        SendRank floor = null;
        for (Future<MessageRecord> release : releases) {
            try {
                MessageRecord record = release.get();
                if (record != null) {
                    queued.add(record);
                    if (failure == null) {
                        floor = SendRank.of(record);
                    }
                }
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while releasing held messages", e);
            }
        }
        if (failure != null && queued.isEmpty() && reheld.isEmpty()) {
            throw failure;
        }
        return new Outcome(queued, failure != null || !reheld.isEmpty(), failure != null, floor,
                List.copyOf(reheld));
    }

    /** Puts a released record back among the held; false if that failed too (or it is no longer queued). */
    private boolean rehold(MessageRecord record) {
        try {
            return held(record.id(), record.deviceId(), record.priority());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Fails every held message of a device that was deleted; answers how many. */
    public int failAll(String deviceId, String reason) {
        return IndexPages.forEach(limit -> store.heldFor(deviceId, limit), IndexPages.Stop.AT_SHORT_PAGE, id -> {
            if (Blocking.await(store.markFailed(id, reason, clock.instant()))) {
                return true;
            }
            Blocking.await(store.dropHold(id));
            return false;
        });
    }

    /**
     * Queues one held message again, marked as released, telling {@code queuing} its rank just before; answers its
     * record, or null if it was not queued. One whose queue write fails is held again and its rank added to
     * {@code reheld}: left to the repair job, its late copy would go out after younger messages.
     */
    private MessageRecord releaseOne(String id, Consumer<SendRank> queuing, List<SendRank> reheld) {
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null) {
            return null;
        }
        Instant now = clock.instant();
        if (record.status() != MessageStatus.queued) {
            Blocking.await(store.dropHold(id));
            return null;
        }
        if (record.expiredAt(now)) {
            Blocking.await(store.expire(id, now));
            return null;
        }
        if (!Blocking.await(store.release(id, record.shard()))) {
            return null;
        }
        SendRank rank = SendRank.of(record);
        queuing.accept(rank);
        try {
            Blocking.await(messages.queueEntry(record, now, true));
        } catch (RuntimeException e) {
            if (rehold(record)) {
                LOG.warnf("Queue write for released message=%s failed (%s); it is held again", id, e.toString());
                reheld.add(rank);
                return null;
            }
            LOG.warnf("Queue write for released message=%s failed (%s); the repair job will queue it", id,
                    e.toString());
        }
        return record;
    }
}
