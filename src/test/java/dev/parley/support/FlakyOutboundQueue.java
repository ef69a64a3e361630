package dev.parley.support;


import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import dev.parley.queue.ReceivedMessage;
import dev.parley.queue.SqsOutboundQueue;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The real SQS queue, except that tests can make the next enqueue calls fail as if SQS were down. */
@Alternative
@Priority(1)
@ApplicationScoped
public class FlakyOutboundQueue implements OutboundQueue {

    private final SqsOutboundQueue real;
    private final AtomicInteger failures = new AtomicInteger();

    public FlakyOutboundQueue(SqsOutboundQueue real) {
        this.real = real;
    }

    public void failNextEnqueues(int count) {
        failures.set(count);
    }

    @Override
    public void provision(int shards) {
        real.provision(shards);
    }

    @Override
    public Uni<Void> enqueue(QueueAddress queue, QueuedMessage message, Duration delay) {
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Uni.createFrom().failure(new IllegalStateException("simulated SQS outage"));
        }
        return real.enqueue(queue, message, delay);
    }

    @Override
    public Uni<List<String>> enqueueBatch(QueueAddress queue, List<Pending> entries) {
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Uni.createFrom().failure(new IllegalStateException("simulated SQS outage"));
        }
        return real.enqueueBatch(queue, entries);
    }

    @Override
    public List<ReceivedMessage> receive(QueueAddress queue, int max, Duration wait, Duration visibility) {
        return real.receive(queue, max, wait, visibility);
    }

    @Override
    public void delete(ReceivedMessage message) {
        real.delete(message);
    }

    @Override
    public void retryAfter(ReceivedMessage message, Duration delay) {
        real.retryAfter(message, delay);
    }
}
