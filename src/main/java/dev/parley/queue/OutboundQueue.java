package dev.parley.queue;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The durable outbound send queue, one per shard and priority; at-least-once, unordered. What every
 * implementation must do is the {@code OutboundQueueContract} test.
 *
 * <p><b>Two sides, two styles.</b> The producing side ({@link #enqueue}, {@link #enqueueBatch}) serves the
 * reactive API path: it returns a {@link Uni} and never blocks, so it may be called on an event loop. The
 * consuming side ({@link #receive}, {@link #delete}, {@link #retryAfter}, {@link #extendVisibility}) and
 * {@link #provision} serve the connector's and start-up's own threads: they block, each bounded by a timeout
 * ({@code common.Blocking}), and must never be called on an event loop. A failed call throws.
 *
 * <p>A received entry is hidden from other consumers for its visibility timeout and MUST be acknowledged with
 * {@link #delete} once its outcome is recorded; otherwise it is handed out again when the timeout lapses.
 */
public interface OutboundQueue {

    /** Most entries one {@link #enqueueBatch} or {@link #receive} call handles (SQS's limit). */
    int MAX_BATCH = 10;

    /** Longest delivery delay an entry can have (SQS's limit); longer delays are cut to it. */
    Duration MAX_DELAY = Duration.ofMinutes(15);

    /**
     * Creates the queues of {@code shards} shards if missing, each with its dead-letter queue, and sets the
     * redrive policy on every one (so a kept data directory from before dead-letter queues gets it too);
     * idempotent. Blocking.
     */
    void provision(int shards);

    /** Adds an entry that becomes visible after {@code delay} (rounded up to whole seconds, at most 15 minutes). */
    Uni<Void> enqueue(QueueAddress queue, QueuedMessage message, Duration delay);

    /** An entry to add with its delivery delay. */
    record Pending(QueuedMessage message, Duration delay) {
    }

    /**
     * Adds up to {@link #MAX_BATCH} entries in one call; answers the message ids that were not accepted. More
     * entries fail the call with an {@link IllegalArgumentException}.
     */
    Uni<List<String>> enqueueBatch(QueueAddress queue, List<Pending> entries);

    /**
     * Takes up to {@code max} (at most {@link #MAX_BATCH}) visible entries, waiting up to {@code wait} for the
     * first, and hides them for {@code visibility}. An entry whose body cannot be read comes back with a null
     * {@link ReceivedMessage#message()}: the consumer deletes it. Blocking.
     */
    List<ReceivedMessage> receive(QueueAddress queue, int max, Duration wait, Duration visibility);

    /** Acknowledges an entry: it is gone for good. Blocking. */
    void delete(ReceivedMessage message);

    /**
     * Acknowledges entries, of any queues, in as few calls as the queue allows; answers those that could not be
     * acknowledged (they are handed out again when their visibility lapses). Blocking.
     */
    default List<ReceivedMessage> delete(List<ReceivedMessage> messages) {
        return failedOf(messages, this::delete);
    }

    /**
     * Hides an entry for {@code delay} from now (whole seconds, zero makes it visible at once) before it is
     * handed out again, with its receive count one higher. Fails when the entry's receipt is stale. Blocking.
     */
    void retryAfter(ReceivedMessage message, Duration delay);

    /**
     * Moves up to {@code max} entries (at most {@link #MAX_BATCH}) from the queue's dead-letter queue back to the
     * queue, visible at once and with their receive count starting again; answers the ids of the messages moved
     * (an unreadable entry counts as a null id). An entry is added to the queue before it leaves the dead-letter
     * queue, so a failure in between leaves a duplicate at worst. Blocking.
     */
    List<String> redriveDeadLetters(QueueAddress queue, int max);

    /** Keeps an entry being worked on hidden for another {@code visibility} from now; as {@link #retryAfter}. */
    default void extendVisibility(ReceivedMessage message, Duration visibility) {
        retryAfter(message, visibility);
    }

    /**
     * Keeps entries being worked on hidden for another {@code visibility} from now, in as few calls as the queue
     * allows; answers those that could not be kept (a stale receipt: the entry is handed out again). Blocking.
     */
    default List<ReceivedMessage> extendVisibility(List<ReceivedMessage> messages, Duration visibility) {
        return failedOf(messages, message -> extendVisibility(message, visibility));
    }

    /** Runs {@code call} on each entry, one call each; answers those it failed for. */
    private static List<ReceivedMessage> failedOf(List<ReceivedMessage> messages, Consumer<ReceivedMessage> call) {
        List<ReceivedMessage> failed = new ArrayList<>();
        for (ReceivedMessage message : messages) {
            try {
                call.accept(message);
            } catch (RuntimeException e) {
                failed.add(message);
            }
        }
        return failed;
    }
}
