package dev.parley.connector;

import dev.parley.common.Blocking;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

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

    private final MessageStore store;
    private final MessageService messages;
    private final OutboundQueue queue;
    private final ConnectorConfig config;
    private final Clock clock;
    private final Map<String, ReentrantLock> releasing = new ConcurrentHashMap<>();

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
        if (Blocking.await(store.hold(id, entry.message().deviceId(), entry.queue().priority()))) {
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
        ReentrantLock lock = releasing.computeIfAbsent(deviceId, id -> new ReentrantLock());
        lock.lock();
        try {
            return releaseBestFirst(deviceId, max);
        } finally {
            lock.unlock();
        }
    }

    private int releaseBestFirst(String deviceId, int max) {
        int released = 0;
        int seen = 0;
        // Every id read leaves the held index, so reading again from its start until a short page drains it.
        while (seen < max) {
            int page = Math.min(IndexPages.PAGE_SIZE, max - seen);
            List<String> ids = Blocking.await(store.heldFor(deviceId, page));
            for (String id : ids) {
                // One by one, best first: released entries reach SQS, and so the lane, in send order.
                if (releaseOne(id)) {
                    released++;
                }
            }
            seen += ids.size();
            if (ids.size() < page) {
                break;
            }
        }
        if (released > 0) {
            LOG.infof("Released %d held message(s) of device=%s", released, deviceId);
        }
        return released;
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

    private boolean releaseOne(String id) {
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null) {
            return false;
        }
        Instant now = clock.instant();
        if (record.status() != MessageStatus.queued) {
            Blocking.await(store.dropHold(id));
            return false;
        }
        if (record.expiredAt(now)) {
            Blocking.await(store.expire(id, now));
            return false;
        }
        boolean released = Blocking.await(store.release(id, record.shard()));
        if (released) {
            Blocking.await(messages.enqueue(record, now));
        }
        return released;
    }
}
