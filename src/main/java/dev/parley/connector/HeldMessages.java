package dev.parley.connector;

import dev.parley.aws.DynamoTables;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds the messages of an offline device outside SQS, for as long as it stays offline, and queues them
 * again when it returns. A held message keeps status {@code queued} and is marked with
 * {@code heldDevice}, a sparse index ordered by creation; its queue entry is deleted only after the mark
 * is written, so a crash in between leaves a duplicate entry at worst, never a lost message.
 */
@ApplicationScoped
public class HeldMessages {

    private static final Logger LOG = Logger.getLogger(HeldMessages.class);
    private static final int PAGE = 100;

    private final MessageStore store;
    private final MessageService messages;
    private final OutboundQueue queue;
    private final ConnectorConfig config;
    private final Clock clock;

    public HeldMessages(MessageStore store, MessageService messages, OutboundQueue queue, ConnectorConfig config,
                        Clock clock) {
        this.store = store;
        this.messages = messages;
        this.queue = queue;
        this.config = config;
        this.clock = clock;
    }

    /** Moves one entry of an offline device out of SQS into the held index. */
    public void hold(ReceivedMessage entry) {
        if (entry.message() == null) {
            queue.delete(entry);
            return;
        }
        String id = entry.message().messageId();
        boolean marked = store.mark(id, EnumSet.of(MessageStatus.queued),
                Map.of("heldDevice", MessageStore.s(entry.message().deviceId())), Set.of("unconfirmed"))
                .await().indefinitely();
        if (marked) {
            queue.delete(entry);
            return;
        }
        MessageRecord record = store.get(id).await().indefinitely();
        if (record == null || record.status().isFinal()) {
            queue.delete(entry);
        } else {
            // Being sent elsewhere right now (processing): look again later.
            queue.retryAfter(entry, config.offlineRecheck());
        }
    }

    /** Queues every held message of a device again, oldest first; answers how many were released. */
    public int release(String deviceId) {
        int released = 0;
        while (true) {
            List<String> ids = store.idsInIndex(DynamoTables.MESSAGES_HELD, "heldDevice", deviceId, "created", null,
                    PAGE).await().indefinitely();
            for (String id : ids) {
                if (releaseOne(id)) {
                    released++;
                }
            }
            if (ids.size() < PAGE) {
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
        int failed = 0;
        while (true) {
            List<String> ids = store.idsInIndex(DynamoTables.MESSAGES_HELD, "heldDevice", deviceId, "created", null,
                    PAGE).await().indefinitely();
            for (String id : ids) {
                boolean done = store.transition(id, MessageStatus.failed, clock.instant(),
                        Map.of("failureReason", MessageStore.s(reason)), Set.of("heldDevice", "unconfirmed"))
                        .await().indefinitely();
                if (done) {
                    failed++;
                } else {
                    store.mark(id, EnumSet.allOf(MessageStatus.class), Map.of(), Set.of("heldDevice"))
                            .await().indefinitely();
                }
            }
            if (ids.size() < PAGE) {
                return failed;
            }
        }
    }

    private boolean releaseOne(String id) {
        MessageRecord record = store.get(id).await().indefinitely();
        if (record == null) {
            return false;
        }
        Instant now = clock.instant();
        if (record.status() != MessageStatus.queued) {
            store.mark(id, EnumSet.allOf(MessageStatus.class), Map.of(), Set.of("heldDevice")).await().indefinitely();
            return false;
        }
        if (record.expiredAt(now)) {
            store.transition(id, MessageStatus.expired, now, Map.of(), Set.of("heldDevice", "unconfirmed"))
                    .await().indefinitely();
            return false;
        }
        boolean unheld = store.mark(id, EnumSet.of(MessageStatus.queued),
                Map.of("unconfirmed", MessageStore.s(Integer.toString(record.shard()))), Set.of("heldDevice"))
                .await().indefinitely();
        if (unheld) {
            messages.enqueue(record, now).await().indefinitely();
        }
        return unheld;
    }
}
