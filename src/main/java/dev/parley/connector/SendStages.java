package dev.parley.connector;

import dev.parley.queue.ReceivedMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Where a send's time goes, as timers {@code parley.send.stage} by stage: {@code queue} (the record's creation to
 * its entry reaching the connector: the API's writes and the queue's hand-out), {@code lane} (waiting in the
 * device's lane: gathering, rate, other entries first), {@code claim} (the claim write) and {@code send} (the
 * driver). Their sum is the record's {@code createdAt} to {@code sentAt}; {@code make bench} reads them.
 */
@ApplicationScoped
public class SendStages {

    private final Clock clock;
    private final Timer queue;
    private final Timer lane;
    private final Timer claim;
    private final Timer send;

    public SendStages(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.queue = timer(registry, "queue");
        this.lane = timer(registry, "lane");
        this.claim = timer(registry, "claim");
        this.send = timer(registry, "send");
    }

    private static Timer timer(MeterRegistry registry, String stage) {
        return Timer.builder("parley.send.stage").tag("stage", stage)
                .description("Time a send spends in each stage, from its record's creation to its outcome")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
    }

    /** An entry is taken from its lane to be sent, {@code startNanos} being now. */
    void taken(ReceivedMessage entry, long startNanos) {
        if (entry.message() == null) {
            return;
        }
        long inLane = Math.max(0, startNanos - entry.receivedNanos());
        lane.record(inLane, TimeUnit.NANOSECONDS);
        long sinceCreated = TimeUnit.MILLISECONDS.toNanos(clock.millis() - entry.message().created());
        queue.record(Math.max(0, sinceCreated - inLane), TimeUnit.NANOSECONDS);
    }

    void claimed(long startNanos) {
        claim.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void sent(long startNanos) {
        send.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
