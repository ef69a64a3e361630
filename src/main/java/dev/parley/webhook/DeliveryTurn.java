package dev.parley.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * One endpoint's delivery turn, on a dispatcher worker thread: take its lease, read the next batch after its
 * cursor, send it, and on success move the cursor past it; repeat until nothing is left, an attempt fails, or
 * another process holds the lease. Endpoint order is kept because only the lease holder sends, one batch at a
 * time, and the cursor moves only after a batch was accepted.
 */
@ApplicationScoped
class DeliveryTurn {

    private final EndpointLeases leases;
    private final EventBatches batches;
    private final BatchPoster poster;
    private final EndpointFailures failures;
    private final Clock clock;

    DeliveryTurn(EndpointLeases leases, EventBatches batches, BatchPoster poster, EndpointFailures failures,
                 Clock clock) {
        this.leases = leases;
        this.batches = batches;
        this.poster = poster;
        this.failures = failures;
        this.clock = clock;
    }

    /** Delivers batches to the endpoint until a step does not deliver; answers the number delivered. */
    int deliverAll(String id) {
        int delivered = 0;
        while (step(id) == TurnOutcome.DELIVERED) {
            delivered++;
        }
        return delivered;
    }

    /**
     * One batch at most. An unexpected failure (a store call) frees the lease with the cursor unchanged and is
     * rethrown: the turn ends, and the next sweep tries again.
     */
    TurnOutcome step(String id) {
        Instant now = clock.instant();
        Optional<ClaimedEndpoint> claimed = leases.claim(id, now);
        if (claimed.isEmpty()) {
            return TurnOutcome.NOT_CLAIMED;
        }
        ClaimedEndpoint endpoint = claimed.get();
        try {
            EventBatch batch = batches.next(endpoint, now);
            if (batch.isEmpty()) {
                leases.release(id, batch.position());
                return TurnOutcome.NOTHING_TO_SEND;
            }
            AttemptResult result = poster.post(endpoint, batch.events());
            if (!result.delivered()) {
                failures.record(endpoint, result);
                return TurnOutcome.FAILED;
            }
            leases.recordSuccess(id, batch.position(), clock.instant());
            return TurnOutcome.DELIVERED;
        } catch (RuntimeException e) {
            leases.release(id, endpoint.cursor());
            throw e;
        }
    }
}
