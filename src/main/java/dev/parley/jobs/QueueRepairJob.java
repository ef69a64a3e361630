package dev.parley.jobs;

import dev.parley.aws.DynamoTables;
import dev.parley.config.ParleyConfig;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageService;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Queues again every record whose queue write was never confirmed (the API or a job stored it, then the
 * SQS write failed or the process died) once it is older than {@code parley.jobs.repair-after}. A
 * duplicate entry, if the first write did land, is harmless: the connector drops entries of final
 * records and claims records conditionally.
 */
@ApplicationScoped
public class QueueRepairJob {

    private static final Logger LOG = Logger.getLogger(QueueRepairJob.class);
    private static final int PAGE = 100;

    private final MessageStore store;
    private final MessageService messages;
    private final ParleyConfig config;
    private final Clock clock;

    public QueueRepairJob(MessageStore store, MessageService messages, ParleyConfig config, Clock clock) {
        this.store = store;
        this.messages = messages;
        this.config = config;
        this.clock = clock;
    }

    /** Repairs every shard; answers how many messages it queued again. */
    public int run() {
        Instant now = clock.instant();
        String before = String.format("%013d~", now.minus(config.jobs().repairAfter()).toEpochMilli());
        int repaired = 0;
        for (int shard = 0; shard < config.shards(); shard++) {
            List<String> ids = store.idsInIndex(DynamoTables.MESSAGES_UNCONFIRMED, "unconfirmed",
                    Integer.toString(shard), "created", before, PAGE).await().indefinitely();
            for (String id : ids) {
                MessageRecord record = store.get(id).await().indefinitely();
                if (record == null) {
                    continue;
                }
                if (record.status() != MessageStatus.queued) {
                    store.mark(id, EnumSet.allOf(MessageStatus.class), Map.of(), Set.of("unconfirmed"))
                            .await().indefinitely();
                    continue;
                }
                messages.enqueue(record, now).await().indefinitely();
                repaired++;
            }
        }
        if (repaired > 0) {
            LOG.infof("Repaired %d message(s) whose queue write was not confirmed", repaired);
        }
        return repaired;
    }
}
