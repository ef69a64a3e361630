package dev.parley.connector;

import dev.parley.common.OutageLog;
import dev.parley.common.Priority;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.ReceivedMessage;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Four pollers per owned shard, one per priority queue, each feeding what it receives to the entry's device
 * lane. A poller never waits on a lane, so a slow, rate-limited or offline device never holds up another.
 */
final class ShardPollers {

    private static final Logger LOG = Logger.getLogger(ShardPollers.class);
    /** Every poller's failures as one outage: a queue outage is logged when it starts and when it ends. */
    private final OutageLog polling = new OutageLog("Polling the outbound queues", LOG);
    private static final Duration JOIN = Duration.ofSeconds(5);
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final OutboundQueue queue;
    private final ConnectorConfig config;
    private final DeviceSessions sessions;
    private final DeviceLanes lanes;
    private final StrayEntries strays;
    /** Whether the connector still owns a shard (and runs): a poller stops as soon as it does not. */
    private final IntPredicate owned;
    private final Map<Integer, List<Thread>> pollers = new ConcurrentHashMap<>();

    ShardPollers(OutboundQueue queue, ConnectorConfig config, DeviceSessions sessions, DeviceLanes lanes,
                 StrayEntries strays, IntPredicate owned) {
        this.queue = queue;
        this.config = config;
        this.sessions = sessions;
        this.lanes = lanes;
        this.strays = strays;
        this.owned = owned;
    }

    /** Starts the shard's four pollers. */
    void start(int shard) {
        List<Thread> threads = new ArrayList<>();
        for (Priority priority : Priority.values()) {
            QueueAddress address = new QueueAddress(shard, priority);
            threads.add(Thread.ofVirtual().name("poll-" + shard + "-" + priority).start(() -> pollLoop(address)));
        }
        pollers.put(shard, threads);
    }

    /** Stops the shard's pollers and waits (briefly) for them to end. */
    void stop(int shard) {
        List<Thread> threads = pollers.remove(shard);
        if (threads != null) {
            threads.forEach(Thread::interrupt);
            threads.forEach(ShardPollers::join);
        }
    }

    private void pollLoop(QueueAddress address) {
        while (owned.test(address.shard())) {
            try {
                List<ReceivedMessage> batch = queue.receive(address, OutboundQueue.MAX_BATCH, config.pollWait(),
                        config.visibilityTimeout());
                polling.succeeded();
                boolean stillOwned = owned.test(address.shard());
                for (ReceivedMessage entry : batch) {
                    if (stillOwned) {
                        route(entry, address.priority());
                    } else {
                        strays.handBack(entry);
                    }
                }
            } catch (RuntimeException e) {
                if (!owned.test(address.shard()) || Thread.currentThread().isInterrupted()) {
                    return;
                }
                polling.failed(e);
                try {
                    Thread.sleep(AFTER_FAILURE);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void route(ReceivedMessage entry, Priority priority) {
        if (entry.message() == null) {
            // Unreadable, so never ours to send: acknowledge it.
            queue.delete(entry);
            return;
        }
        String deviceId = entry.message().deviceId();
        if (!sessions.hasSession(deviceId)) {
            strays.unknownDevice(entry);
            return;
        }
        lanes.offer(deviceId, entry, priority, sessions.rate(deviceId), () -> sessions.maySend(deviceId));
    }

    private static void join(Thread thread) {
        try {
            thread.join(JOIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
