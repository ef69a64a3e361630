package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.driver.PastSend;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Takes one queue entry to its outcome: re-reads the record, claims it for a lease (queued → processing), sends
 * through the driver, records the result, and only then acknowledges the entry ({@link EntryAcks}, in batches).
 * Anything left unacknowledged comes back from the queue, so a crash loses nothing. A message is never sent twice:
 * a live claim is exclusive, and a lapsed one whose attempt may have reached the network is settled by asking the
 * driver, or failed when it cannot tell (ADR 0008).
 */
@ApplicationScoped
public class MessageSender {

    private static final Logger LOG = Logger.getLogger(MessageSender.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(15);
    /** Failure reason of a message whose earlier attempt may have reached WhatsApp, without a way to know. */
    static final String UNKNOWN_OUTCOME = "The outcome of a send attempt is unknown and it may have reached"
            + " WhatsApp, so it is not sent again";

    private final MessageStore store;
    private final OutboundQueue queue;
    private final WhatsAppDriver driver;
    private final OutboundMedia media;
    private final ConnectorConfig settings;
    private final Clock clock;
    private final TypedGuard<Boolean> outcomeWrites;
    private final RecentSends recent;
    private final EntryAcks acks;
    private final SendStages stages;

    public MessageSender(MessageStore store, OutboundQueue queue, WhatsAppDriver driver, OutboundMedia media,
                         ConnectorConfig config, Clock clock, RecentSends recent, EntryAcks acks,
                         SendStages stages) {
        this.store = store;
        this.recent = recent;
        this.acks = acks;
        this.stages = stages;
        this.queue = queue;
        this.driver = driver;
        this.media = media;
        this.settings = config;
        this.clock = clock;
        long delay = Math.max(1, config.outcomeRetryDelay().toMillis());
        this.outcomeWrites = TypedGuard.create(Boolean.class)
                .withDescription("send outcome write")
                .withRetry()
                .maxRetries(config.outcomeRetries())
                .delay(delay, ChronoUnit.MILLIS)
                .jitter(delay / 4, ChronoUnit.MILLIS)
                .withExponentialBackoff()
                .factor(2)
                .maxDelay(Math.max(delay, Math.min(delay << Math.min(config.outcomeRetries(), 20), 5_000)),
                        ChronoUnit.MILLIS)
                .done()
                .done()
                .build();
    }

    /**
     * What became of an entry. Only SENT, FAILED_SENDING and RETRY_LATER used the device's send rate; IN_FLIGHT is
     * another sender's live claim, RECOVERED an earlier attempt found sent.
     */
    public enum Outcome {
        SENT, FAILED_SENDING, RETRY_LATER, FAILED_UNSENT, EXPIRED, NOT_DUE, DROPPED, IN_FLIGHT, RECOVERED;

        public boolean attempted() {
            return this == SENT || this == FAILED_SENDING || this == RETRY_LATER;
        }
    }

    /** Handles one entry for a device the caller knows to be online and within its rate. */
    public Processed process(ReceivedMessage entry) {
        if (entry.message() == null) {
            acks.ack(entry);
            return Processed.of(Outcome.DROPPED);
        }
        String id = entry.message().messageId();
        long start = System.nanoTime();
        stages.taken(entry, start);
        Instant claimedAt = clock.instant();
        // Most entries are plain queued records: claim them in one write, without the read before it.
        MessageRecord plain = Blocking.await(store.claimPlain(id, claimedAt, claimedAt.plus(settings.claimLease())));
        stages.claimed(start);
        if (plain != null) {
            return attemptClaimed(entry, plain, plain.attempts(), claimedAt);
        }
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null || record.status().isFinal()) {
            // Already handled (a duplicate delivery of the entry) or removed: never send twice.
            acks.ack(entry);
            return Processed.of(Outcome.DROPPED);
        }
        Instant now = clock.instant();
        if (record.status() == MessageStatus.processing) {
            if (record.claimedAt(now)) {
                // Another attempt is in flight, or still recording its outcome: look again when its claim ends.
                Duration left = Duration.between(now, record.claimUntil());
                queue.retryAfter(entry, left.compareTo(settings.visibilityTimeout()) < 0 ? left
                        : settings.visibilityTimeout());
                return Processed.of(Outcome.IN_FLIGHT);
            }
            Outcome settled = settleLapsedClaim(entry, record, now);
            if (settled != null) {
                return Processed.of(settled);
            }
        }
        if (record.expiredAt(now)) {
            Blocking.await(store.expire(id, now));
            acks.ack(entry);
            LOG.infof("Expired message=%s device=%s before sending", id, record.deviceId());
            return Processed.of(Outcome.EXPIRED);
        }
        if (!record.dueAt(now)) {
            queue.retryAfter(entry, Duration.between(now, record.deliverAt()));
            return Processed.of(Outcome.NOT_DUE);
        }
        int attempt = record.attempts() + 1;
        Instant claimUntil = now.plus(settings.claimLease());
        boolean claimed = Blocking.await(record.status() == MessageStatus.processing
                ? store.reclaim(id, attempt, now, claimUntil) : store.claim(id, attempt, now, claimUntil));
        if (!claimed) {
            // Claimed by someone else meanwhile, or held: a held record's release queues an entry of its own.
            acks.ack(entry);
            return Processed.of(Outcome.DROPPED);
        }
        return attemptClaimed(entry, record, attempt, now);
    }

    /** From the claim on, the attempt runs to a recorded outcome: a hand-over's interrupt waits for its end. */
    private Processed attemptClaimed(ReceivedMessage entry, MessageRecord record, int attempt, Instant now) {
        AtomicBoolean interrupted = new AtomicBoolean(Thread.interrupted());
        try {
            return attempt(entry, record, attempt, now, interrupted);
        } finally {
            if (interrupted.get() || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
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

    private Processed attempt(ReceivedMessage entry, MessageRecord record, int attempts, Instant claimedAt,
                            AtomicBoolean interrupted) {
        String id = record.id();
        SendResult result;
        long start = System.nanoTime();
        try {
            result = media.send(record, message -> driver.send(record.deviceId(), message));
            stages.sent(start);
        } catch (RuntimeException e) {
            // No outcome: the message may or may not have gone out. Ask the network rather than guess.
            LOG.warnf("Driver failed sending message=%s device=%s: %s", id, record.deviceId(), e.toString());
            result = switch (driver.lookUpSend(record.deviceId(), id, claimedAt)) {
                case PastSend.Sent sent -> new SendResult.Sent(sent.waId());
                case PastSend.NotSent notSent -> new SendResult.TemporaryFailure("the driver failed: " + e.getMessage());
                case PastSend.Unknown unknown -> new SendResult.PermanentFailure(UNKNOWN_OUTCOME);
            };
        }
        if (Thread.interrupted()) {
            interrupted.set(true);
        }
        return switch (result) {
            case SendResult.Sent sent -> {
                Instant sentAt = clock.instant();
                if (settle(entry, id, () -> store.markSent(id, sent.waId(), attempts, sentAt), interrupted)) {
                    recent.sent(record.deviceId(), sent.waId(), id);
                }
                LOG.debugf("Sent message=%s device=%s", id, record.deviceId());
                yield new Processed(Outcome.SENT, sentAt);
            }
            case SendResult.PermanentFailure failure -> {
                settle(entry, id, () -> store.markFailed(id, attempts, failure.reason(), clock.instant()), interrupted);
                LOG.debugf("Failed message=%s: %s", id, failure.reason()); // the reason may name the number
                yield Processed.of(Outcome.FAILED_SENDING);
            }
            case SendResult.TemporaryFailure failure -> {
                if (attempts > record.retries()) {
                    String reason = failure.reason() + " (after " + attempts + " attempt" + (attempts > 1 ? "s" : "") + ")";
                    settle(entry, id, () -> store.markFailed(id, attempts, reason, clock.instant()), interrupted);
                    yield Processed.of(Outcome.FAILED_SENDING);
                }
                if (settle(null, id, () -> store.requeue(id, attempts, failure.reason(), clock.instant()), interrupted)) {
                    queue.retryAfter(entry, backoff(attempts));
                } else {
                    leaveToLease(entry);
                }
                LOG.debugf("Retrying message=%s device=%s attempt=%d: %s", id, record.deviceId(), attempts,
                        failure.reason());
                yield Processed.of(Outcome.RETRY_LATER);
            }
        };
    }

    /** How this sender acknowledges entries; shared by a second connector built in tests. */
    EntryAcks acks() {
        return acks;
    }

    /** Where this sender's time goes; shared by a second connector built in tests. */
    SendStages stages() {
        return stages;
    }

    /** How this sender hands media to its driver; shared by a second connector built in tests. */
    OutboundMedia media() {
        return media;
    }

    /**
     * A claim lapsed unfinished: its attempt may have reached the network. Answers the outcome when that settles
     * the message (found sent; or the driver cannot tell and it is not expired), or null when it was certainly
     * not sent (or expired), so the caller expires it or claims it again.
     */
    private Outcome settleLapsedClaim(ReceivedMessage entry, MessageRecord record, Instant now) {
        // A processing record's updatedAt is its claim time: marks never change it.
        PastSend past = driver.lookUpSend(record.deviceId(), record.id(), record.updatedAt());
        if (past instanceof PastSend.Sent sent) {
            Blocking.await(store.markSent(record.id(), sent.waId(), record.attempts(), now));
            acks.ack(entry);
            LOG.infof("Message=%s device=%s was sent by an attempt whose outcome was lost; recorded it", record.id(),
                    record.deviceId());
            return Outcome.RECOVERED;
        }
        if (past instanceof PastSend.Unknown && !record.expiredAt(now)) {
            Blocking.await(store.markFailed(record.id(), record.attempts(), UNKNOWN_OUTCOME, now));
            acks.ack(entry);
            LOG.warnf("Message=%s device=%s: an attempt's outcome was lost and the driver cannot tell; failed it",
                    record.id(), record.deviceId());
            return Outcome.FAILED_UNSENT;
        }
        return null;
    }

    /**
     * Records an outcome, retrying the write with backoff, then acknowledges the entry (unless it is null). If the
     * write cannot be made, the record stays claimed: the entry comes back, and once the claim lapses the next look
     * settles it from what the driver knows, never by sending blindly. False in that case.
     */
    private boolean settle(ReceivedMessage entry, String id, Supplier<Uni<Boolean>> write, AtomicBoolean interrupted) {
        try {
            outcomeWrites.call(() -> {
                try {
                    return Blocking.await(write.get());
                } finally {
                    if (Thread.interrupted()) {
                        interrupted.set(true); // a hand-over's interrupt: finish recording first
                    }
                }
            });
        } catch (Exception e) {
            LOG.errorf("Outcome of message=%s not recorded after %d retries (%s); it stays claimed until %s after the"
                    + " claim", id, settings.outcomeRetries(), e.toString(), settings.claimLease());
            if (entry != null) {
                leaveToLease(entry);
            }
            return false;
        }
        if (entry != null) {
            acks.ack(entry);
        }
        return true;
    }

    /** Lets an entry whose outcome is unrecorded come back, at the latest when its claim lapses. */
    private void leaveToLease(ReceivedMessage entry) {
        Duration wait = settings.claimLease().compareTo(settings.visibilityTimeout()) < 0 ? settings.claimLease()
                : settings.visibilityTimeout();
        queue.retryAfter(entry, wait);
    }

    /** Marks a message failed without trying to send it, e.g. because its device was deleted. */
    public Outcome failUnsent(ReceivedMessage entry, String reason) {
        if (entry.message() != null) {
            Blocking.await(store.markFailed(entry.message().messageId(), 0, reason, clock.instant()));
        }
        acks.ack(entry);
        return Outcome.FAILED_UNSENT;
    }

    private Duration backoff(int attempts) {
        Duration delay = settings.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }
}
