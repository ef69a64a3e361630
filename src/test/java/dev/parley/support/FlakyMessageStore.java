package dev.parley.support;

import dev.parley.aws.DynamoTables;
import dev.parley.event.EventOutbox;
import dev.parley.message.MessageStore;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The real messages store (a singleton: a subclass of a constructor-injected bean cannot be proxied), except that tests can make the {@code sent} writes of one message fail, as DynamoDB may. */
@Alternative
@Priority(1)
@Singleton
public class FlakyMessageStore extends MessageStore {

    private final Map<String, AtomicInteger> failingSentWrites = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> sentWrites = new ConcurrentHashMap<>();

    public FlakyMessageStore(DynamoDbAsyncClient dynamo, DynamoTables tables, EventOutbox outbox) {
        super(dynamo, tables, outbox);
    }

    /** The next {@code count} {@code sent} writes of message {@code id} fail (0 lets them through again). */
    public void failSentWrites(String id, int count) {
        failingSentWrites.put(id, new AtomicInteger(count));
    }

    /** How many {@code sent} writes of message {@code id} were tried, failed ones included. */
    public int sentWrites(String id) {
        AtomicInteger n = sentWrites.get(id);
        return n == null ? 0 : n.get();
    }

    @Override
    public Uni<Boolean> markSent(String id, String waId, int attempts, Instant now) {
        return Uni.createFrom().deferred(() -> {
            sentWrites.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            AtomicInteger failing = failingSentWrites.get(id);
            if (failing != null && failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return Uni.createFrom().failure(new IllegalStateException("simulated DynamoDB failure"));
            }
            return super.markSent(id, waId, attempts, now);
        });
    }
}
