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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves scheduled messages into their queue once they are due within the schedule lead (at most SQS's
 * 15-minute delay), with a delivery delay up to their {@code deliverAt}. Idempotent and safe to run
 * twice at once: the scheduled → queued transition is conditional, so only one run queues a message.
 */
@ApplicationScoped
public class SchedulePromotionJob {

    private static final Logger LOG = Logger.getLogger(SchedulePromotionJob.class);
    private static final int PAGE = 100;

    private final MessageStore store;
    private final MessageService messages;
    private final ParleyConfig config;
    private final Clock clock;

    public SchedulePromotionJob(MessageStore store, MessageService messages, ParleyConfig config, Clock clock) {
        this.store = store;
        this.messages = messages;
        this.config = config;
        this.clock = clock;
    }

    /** Promotes every message due within the lead, on every shard; answers how many it queued. */
    public int run() {
        Instant now = clock.instant();
        String horizon = String.format("%013d", now.plus(config.messages().scheduleLead()).toEpochMilli());
        int promoted = 0;
        for (int shard = 0; shard < config.shards(); shard++) {
            while (true) {
                List<String> ids = store.idsInIndex(DynamoTables.MESSAGES_SCHEDULED, "scheduledShard",
                        Integer.toString(shard), "due", horizon, PAGE).await().indefinitely();
                for (String id : ids) {
                    if (promote(id, now)) {
                        promoted++;
                    }
                }
                if (ids.size() < PAGE) {
                    break;
                }
            }
        }
        if (promoted > 0) {
            LOG.infof("Promoted %d scheduled message(s) into their queues", promoted);
        }
        return promoted;
    }

    private boolean promote(String id, Instant now) {
        MessageRecord record = store.get(id).await().indefinitely();
        if (record == null) {
            return false;
        }
        if (record.status() != MessageStatus.scheduled) {
            // Removed or otherwise moved on: drop the stale index entry.
            store.mark(id, java.util.EnumSet.allOf(MessageStatus.class), Map.of(), Set.of("scheduledShard", "due"))
                    .await().indefinitely();
            return false;
        }
        if (record.expiredAt(now)) {
            store.transition(id, MessageStatus.expired, now, Map.of(), Set.of("scheduledShard", "due"))
                    .await().indefinitely();
            return false;
        }
        boolean queued = store.transition(id, MessageStatus.queued, now,
                Map.of("unconfirmed", MessageStore.s(Integer.toString(record.shard()))),
                Set.of("scheduledShard", "due")).await().indefinitely();
        if (queued) {
            messages.enqueue(record, now).await().indefinitely();
        }
        return queued;
    }
}
