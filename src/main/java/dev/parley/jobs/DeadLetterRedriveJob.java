package dev.parley.jobs;

import dev.parley.common.Priority;
import dev.parley.config.ParleyConfig;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Moves entries that reached a dead-letter queue back to their outbound queue, so a message whose entry was
 * received {@code max-receive-count} times is still sent (or dropped, if its record is final) instead of
 * staying {@code queued} forever. Healthy entries never get there (ADR 0004): each one moved is counted in
 * {@value #METRIC} and logged, as a sign of something to look into. Idempotent: an entry is added back
 * before it leaves the dead-letter queue, and the connector never sends a record twice.
 */
@ApplicationScoped
public class DeadLetterRedriveJob {

    /** Counter of entries moved back, tagged with their priority. */
    public static final String METRIC = "parley.queue.dead.letters.redriven";
    /** Most entries moved per queue and run, so one run stays short; the next run moves the rest. */
    static final int MAX_PER_QUEUE = 1000;

    private static final Logger LOG = Logger.getLogger(DeadLetterRedriveJob.class);

    private final OutboundQueue queue;
    private final ParleyConfig config;
    private final Map<Priority, Counter> redriven = new EnumMap<>(Priority.class);

    public DeadLetterRedriveJob(OutboundQueue queue, ParleyConfig config, MeterRegistry metrics) {
        this.queue = queue;
        this.config = config;
        for (Priority priority : Priority.values()) {
            redriven.put(priority, Counter.builder(METRIC)
                    .description("Outbound queue entries moved back from their dead-letter queue")
                    .tag("priority", priority.name())
                    .register(metrics));
        }
    }

    /** Drains every shard's dead-letter queues back; answers how many entries it moved. */
    public int run() {
        int total = 0;
        for (int shard = 0; shard < config.shards(); shard++) {
            for (Priority priority : Priority.values()) {
                total += drain(new QueueAddress(shard, priority));
            }
        }
        return total;
    }

    private int drain(QueueAddress address) {
        int moved = 0;
        while (moved < MAX_PER_QUEUE) {
            List<String> ids = queue.redriveDeadLetters(address, OutboundQueue.MAX_BATCH);
            if (ids.isEmpty()) {
                break;
            }
            moved += ids.size();
            redriven.get(address.priority()).increment(ids.size());
            LOG.warnf("Moved %d entries back from the dead letters of shard %d %s: messages %s", ids.size(),
                    address.shard(), address.priority(), ids);
        }
        return moved;
    }
}
