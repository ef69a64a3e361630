package dev.parley.queue;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;

/** The durable outbound send queue, one per shard and priority. */
public interface OutboundQueue {

    /** Creates the queues if missing; idempotent. */
    void provision(int shards);

    /** Adds an entry that becomes visible after {@code delay} (at most 15 minutes). */
    Uni<Void> enqueue(QueueAddress queue, QueuedMessage message, Duration delay);

    /** An entry to add with its delivery delay. */
    record Pending(QueuedMessage message, Duration delay) {
    }

    /** Adds up to ten entries in one call; answers the message ids that were not accepted. */
    Uni<List<String>> enqueueBatch(QueueAddress queue, List<Pending> entries);

    /** Takes up to {@code max} entries, waiting up to {@code wait} for the first; blocking. */
    List<ReceivedMessage> receive(QueueAddress queue, int max, Duration wait, Duration visibility);

    /** Acknowledges an entry: it is gone for good. Blocking. */
    void delete(ReceivedMessage message);

    /** Hides an entry for {@code delay} from now before it is handed out again. Blocking. */
    void retryAfter(ReceivedMessage message, Duration delay);
}
