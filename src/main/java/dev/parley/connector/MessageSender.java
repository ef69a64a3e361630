package dev.parley.connector;

import dev.parley.config.ParleyConfig;
import dev.parley.driver.OutboundMessage;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Takes one queue entry to its outcome: re-reads the record, claims it (queued → processing), sends
 * through the driver, records the result, and only then acknowledges the entry. Anything left
 * unacknowledged comes back from the queue, so a crash loses nothing; a record already final is never
 * sent again.
 */
@ApplicationScoped
public class MessageSender {

    private static final Logger LOG = Logger.getLogger(MessageSender.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(15);
    /** Marks a record sheds once it is claimed for sending. */
    private static final Set<String> CLAIM_REMOVES = Set.of("unconfirmed", "heldDevice");

    private final MessageStore store;
    private final OutboundQueue queue;
    private final WhatsAppDriver driver;
    private final ParleyConfig.Connector settings;
    private final Clock clock;

    public MessageSender(MessageStore store, OutboundQueue queue, WhatsAppDriver driver, ParleyConfig config,
                         Clock clock) {
        this.store = store;
        this.queue = queue;
        this.driver = driver;
        this.settings = config.connector();
        this.clock = clock;
    }

    /** What became of an entry. Only SENT, FAILED_SENDING and RETRY_LATER used the device's send rate. */
    public enum Outcome {
        SENT, FAILED_SENDING, RETRY_LATER, FAILED_UNSENT, EXPIRED, NOT_DUE, DROPPED;

        public boolean attempted() {
            return this == SENT || this == FAILED_SENDING || this == RETRY_LATER;
        }
    }

    /** Handles one entry for a device the caller knows to be online and within its rate. */
    public Outcome process(ReceivedMessage entry) {
        if (entry.message() == null) {
            queue.delete(entry);
            return Outcome.DROPPED;
        }
        String id = entry.message().messageId();
        MessageRecord record = store.get(id).await().indefinitely();
        if (record == null || record.status().isFinal()) {
            // Already handled (a duplicate delivery of the entry) or removed: never send twice.
            queue.delete(entry);
            return Outcome.DROPPED;
        }
        Instant now = clock.instant();
        if (record.expiredAt(now)) {
            store.transition(id, MessageStatus.expired, now, Map.of(), Set.of("unconfirmed", "heldDevice"))
                    .await().indefinitely();
            queue.delete(entry);
            LOG.infof("Expired message=%s device=%s before sending", id, record.deviceId());
            return Outcome.EXPIRED;
        }
        if (!record.dueAt(now)) {
            queue.retryAfter(entry, Duration.between(now, record.deliverAt()));
            return Outcome.NOT_DUE;
        }
        boolean claimed = store.transition(id, MessageStatus.processing, now, Map.of(), CLAIM_REMOVES)
                .await().indefinitely();
        if (!claimed) {
            queue.delete(entry);
            return Outcome.DROPPED;
        }
        SendResult result = driver.send(record.deviceId(), new OutboundMessage(record.id(), record.recipient(),
                record.content(), record.quotedWaId()));
        int attempts = record.attempts() + 1;
        return switch (result) {
            case SendResult.Sent sent -> {
                store.transition(id, MessageStatus.sent, clock.instant(),
                        Map.of("waId", MessageStore.s(sent.waId()), "attempts", MessageStore.n(attempts)))
                        .await().indefinitely();
                queue.delete(entry);
                LOG.debugf("Sent message=%s device=%s", id, record.deviceId());
                yield Outcome.SENT;
            }
            case SendResult.PermanentFailure failure -> {
                fail(entry, id, attempts, failure.reason());
                yield Outcome.FAILED_SENDING;
            }
            case SendResult.TemporaryFailure failure -> {
                if (attempts > record.retries()) {
                    String reason = failure.reason() + " (after " + attempts + " attempt" + (attempts > 1 ? "s" : "") + ")";
                    fail(entry, id, attempts, reason);
                    yield Outcome.FAILED_SENDING;
                }
                store.transition(id, MessageStatus.queued, clock.instant(), Map.of(
                        "attempts", MessageStore.n(attempts),
                        "failureReason", MessageStore.s(failure.reason()))).await().indefinitely();
                queue.retryAfter(entry, backoff(attempts));
                LOG.debugf("Retrying message=%s device=%s attempt=%d: %s", id, record.deviceId(), attempts,
                        failure.reason());
                yield Outcome.RETRY_LATER;
            }
        };
    }

    /** Marks a message failed without trying to send it, e.g. because its device was deleted. */
    public Outcome failUnsent(ReceivedMessage entry, String reason) {
        if (entry.message() != null) {
            fail(entry, entry.message().messageId(), 0, reason);
        } else {
            queue.delete(entry);
        }
        return Outcome.FAILED_UNSENT;
    }

    private void fail(ReceivedMessage entry, String id, int attempts, String reason) {
        Map<String, AttributeValue> extra = Map.of(
                "attempts", MessageStore.n(attempts),
                "failureReason", MessageStore.s(reason));
        store.transition(id, MessageStatus.failed, clock.instant(), extra, Set.of("unconfirmed", "heldDevice"))
                .await().indefinitely();
        queue.delete(entry);
        LOG.debugf("Failed message=%s: %s", id, reason); // the reason may name the number
    }

    private Duration backoff(int attempts) {
        Duration delay = settings.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }
}
