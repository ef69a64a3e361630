package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageStore;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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

    private final MessageStore store;
    private final OutboundQueue queue;
    private final WhatsAppDriver driver;
    private final OutboundMedia media;
    private final ConnectorConfig settings;
    private final Clock clock;

    public MessageSender(MessageStore store, OutboundQueue queue, WhatsAppDriver driver, OutboundMedia media,
                         ConnectorConfig config, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.driver = driver;
        this.media = media;
        this.settings = config;
        this.clock = clock;
    }

    /** What became of an entry. Only SENT, FAILED_SENDING and RETRY_LATER used the device's send rate. */
    public enum Outcome {
        SENT, FAILED_SENDING, RETRY_LATER, FAILED_UNSENT, EXPIRED, NOT_DUE, DROPPED;

        public boolean attempted() {
            return this == SENT || this == FAILED_SENDING || this == RETRY_LATER;
        }
    }

    /**
     * What became of an entry, with the {@code sentAt} written to the record when it was sent (else null), so
     * the caller's rate window counts the send at exactly the instant the record shows.
     */
    public record Processed(Outcome outcome, Instant sentAt) {

        static Processed of(Outcome outcome) {
            return new Processed(outcome, null);
        }

        public boolean attempted() {
            return outcome.attempted();
        }
    }

    /** Handles one entry for a device the caller knows to be online and within its rate. */
    public Processed process(ReceivedMessage entry) {
        if (entry.message() == null) {
            queue.delete(entry);
            return Processed.of(Outcome.DROPPED);
        }
        String id = entry.message().messageId();
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null || record.status().isFinal()) {
            // Already handled (a duplicate delivery of the entry) or removed: never send twice.
            queue.delete(entry);
            return Processed.of(Outcome.DROPPED);
        }
        Instant now = clock.instant();
        if (record.expiredAt(now)) {
            Blocking.await(store.expire(id, now));
            queue.delete(entry);
            LOG.infof("Expired message=%s device=%s before sending", id, record.deviceId());
            return Processed.of(Outcome.EXPIRED);
        }
        if (!record.dueAt(now)) {
            queue.retryAfter(entry, Duration.between(now, record.deliverAt()));
            return Processed.of(Outcome.NOT_DUE);
        }
        boolean claimed = Blocking.await(store.claim(id, now));
        if (!claimed) {
            queue.delete(entry);
            return Processed.of(Outcome.DROPPED);
        }
        SendResult result = media.send(record, message -> driver.send(record.deviceId(), message));
        int attempts = record.attempts() + 1;
        return switch (result) {
            case SendResult.Sent sent -> {
                Instant sentAt = clock.instant();
                Blocking.await(store.markSent(id, sent.waId(), attempts, sentAt));
                queue.delete(entry);
                LOG.debugf("Sent message=%s device=%s", id, record.deviceId());
                yield new Processed(Outcome.SENT, sentAt);
            }
            case SendResult.PermanentFailure failure -> {
                fail(entry, id, attempts, failure.reason());
                yield Processed.of(Outcome.FAILED_SENDING);
            }
            case SendResult.TemporaryFailure failure -> {
                if (attempts > record.retries()) {
                    String reason = failure.reason() + " (after " + attempts + " attempt" + (attempts > 1 ? "s" : "") + ")";
                    fail(entry, id, attempts, reason);
                    yield Processed.of(Outcome.FAILED_SENDING);
                }
                Blocking.await(store.requeue(id, attempts, failure.reason(), clock.instant()));
                queue.retryAfter(entry, backoff(attempts));
                LOG.debugf("Retrying message=%s device=%s attempt=%d: %s", id, record.deviceId(), attempts,
                        failure.reason());
                yield Processed.of(Outcome.RETRY_LATER);
            }
        };
    }

    /** How this sender hands media to its driver; shared by a second connector built in tests. */
    OutboundMedia media() {
        return media;
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
        Blocking.await(store.markFailed(id, attempts, reason, clock.instant()));
        queue.delete(entry);
        LOG.debugf("Failed message=%s: %s", id, reason); // the reason may name the number
    }

    private Duration backoff(int attempts) {
        Duration delay = settings.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }
}
