package dev.parley.jobs;

import dev.parley.common.Blocking;
import dev.parley.config.ParleyConfig;
import dev.parley.message.IndexPages;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageService;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Queues again every record whose queue write was never confirmed (the API or a job stored it, then the
 * SQS write failed or the process died) once it is older than {@code parley.jobs.repair-after}. A
 * duplicate entry, if the first write did land, is harmless: the connector drops entries of final
 * records and claims records conditionally.
 */
@ApplicationScoped
public class QueueRepairJob {

    private static final Logger LOG = Logger.getLogger(QueueRepairJob.class);

    private final MessageStore store;
    private final MessageService messages;
    private final ParleyConfig config;
    private final JobsConfig jobs;
    private final Clock clock;

    public QueueRepairJob(MessageStore store, MessageService messages, ParleyConfig config, JobsConfig jobs,
                          Clock clock) {
        this.store = store;
        this.messages = messages;
        this.config = config;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Repairs every shard; answers how many messages it queued again. */
    public int run() {
        Instant now = clock.instant();
        Instant before = now.minus(jobs.repairAfter());
        int repaired = 0;
        for (int shard = 0; shard < config.shards(); shard++) {
            int current = shard;
            // One page per run: a queue write that fails again leaves its record in the index.
            repaired += IndexPages.forEach(limit -> store.unconfirmedBefore(current, before, limit),
                    IndexPages.Stop.AFTER_ONE_PAGE, id -> repair(id, now));
        }
        if (repaired > 0) {
            LOG.infof("Repaired %d message(s) whose queue write was not confirmed", repaired);
        }
        return repaired;
    }

    private boolean repair(String id, Instant now) {
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null) {
            return false;
        }
        if (record.status() != MessageStatus.queued) {
            // Claimed or finished since: its queue entry no longer matters.
            Blocking.await(store.confirmQueued(id));
            return false;
        }
        Blocking.await(messages.enqueue(record, now));
        return true;
    }
}
