package dev.parley.jobs;

import dev.parley.common.Blocking;
import dev.parley.config.ParleyConfig;
import dev.parley.message.IndexPages;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageService;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import dev.parley.message.MessagesConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Moves scheduled messages into their queue once they are due within the schedule lead (at most SQS's
 * 15-minute delay), with a delivery delay up to their {@code deliverAt}. Idempotent and safe to run
 * twice at once: the scheduled → queued transition is conditional, so only one run queues a message.
 */
@ApplicationScoped
public class SchedulePromotionJob {

    private static final Logger LOG = Logger.getLogger(SchedulePromotionJob.class);

    private final MessageStore store;
    private final MessageService messages;
    private final ParleyConfig config;
    private final MessagesConfig settings;
    private final Clock clock;

    public SchedulePromotionJob(MessageStore store, MessageService messages, ParleyConfig config,
                                MessagesConfig settings, Clock clock) {
        this.store = store;
        this.messages = messages;
        this.config = config;
        this.settings = settings;
        this.clock = clock;
    }

    /** Promotes every message due within the lead, on every shard; answers how many it queued. */
    public int run() {
        Instant now = clock.instant();
        Instant horizon = now.plus(settings.scheduleLead());
        int promoted = 0;
        for (int shard = 0; shard < config.shards(); shard++) {
            int current = shard;
            // Every id read leaves the scheduled index, so reading again until a short page drains it.
            promoted += IndexPages.forEach(limit -> store.dueScheduled(current, horizon, limit),
                    IndexPages.Stop.AT_SHORT_PAGE, id -> promote(id, now));
        }
        if (promoted > 0) {
            LOG.infof("Promoted %d scheduled message(s) into their queues", promoted);
        }
        return promoted;
    }

    private boolean promote(String id, Instant now) {
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null) {
            return false;
        }
        if (record.status() != MessageStatus.scheduled) {
            // Removed or otherwise moved on: drop the stale index entry.
            Blocking.await(store.dropSchedule(id));
            return false;
        }
        if (record.expiredAt(now)) {
            Blocking.await(store.expire(id, now));
            return false;
        }
        boolean queued = Blocking.await(store.promote(id, record.shard(), now));
        if (queued) {
            Blocking.await(messages.enqueue(record, now));
        }
        return queued;
    }
}
