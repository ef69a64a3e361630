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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The real SQS queue, except that tests can make the next enqueue calls fail as if SQS were down. */
@Alternative
@Priority(1)
@ApplicationScoped
public class FlakyOutboundQueue implements OutboundQueue {

    private final SqsOutboundQueue real;
    private final AtomicInteger failures = new AtomicInteger();
    private final Map<String, Integer> mostReceives = new ConcurrentHashMap<>();

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

    /** The highest receive count any queue entry of the message has reached so far, 0 if never received. */
    public int mostReceives(String messageId) {
        return mostReceives.getOrDefault(messageId, 0);
    }

    @Override
    public List<ReceivedMessage> receive(QueueAddress queue, int max, Duration wait, Duration visibility) {
        List<ReceivedMessage> received = real.receive(queue, max, wait, visibility);
        for (ReceivedMessage entry : received) {
            if (entry.message() != null) {
                mostReceives.merge(entry.message().messageId(), entry.receiveCount(), Math::max);
            }
        }
        return received;
    }

    @Override
    public List<String> redriveDeadLetters(QueueAddress queue, int max) {
        return real.redriveDeadLetters(queue, max);
    }

    @Override
    public void delete(ReceivedMessage message) {
        real.delete(message);
    }

    @Override
    public List<ReceivedMessage> delete(List<ReceivedMessage> messages) {
        return real.delete(messages);
    }

    @Override
    public void retryAfter(ReceivedMessage message, Duration delay) {
        real.retryAfter(message, delay);
    }

    @Override
    public List<ReceivedMessage> extendVisibility(List<ReceivedMessage> messages, Duration visibility) {
        return real.extendVisibility(messages, visibility);
    }
}
