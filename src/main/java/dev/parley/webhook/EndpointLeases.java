package dev.parley.webhook;

import dev.parley.common.Blocking;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The dispatcher's blocking view of webhook endpoints in PostgreSQL, for its own worker threads: which are due,
 * and the lease that keeps one batch in flight per endpoint across processes. Every update after the claim is
 * conditional on this process's lease, so a lease lost to expiry never overwrites another's progress.
 */
@ApplicationScoped
class EndpointLeases {

    private final WebhookRepository endpoints;
    /** Longer than any attempt can take (every immediate retry included), so a live turn keeps its lease. */
    private final Duration lease;
    /** Identifies this process's leases. */
    private final String owner = "dispatcher-" + UUID.randomUUID();

    EndpointLeases(WebhookRepository endpoints, WebhooksConfig config) {
        this.endpoints = endpoints;
        this.lease = WebhookRetryPolicy.of(config).attemptBudget().multipliedBy(2).plusSeconds(30);
    }

    /** Ids of active endpoints due at {@code now}, oldest due first, at most {@code limit}. */
    List<String> dueIds(Instant now, int limit) {
        return Blocking.onContext(() -> Panache.withSession(() -> endpoints.dueIds(now, limit)));
    }

    /** Takes the endpoint's lease if it is active, due and free; empty when it is not this process's to deliver. */
    Optional<ClaimedEndpoint> claim(String id, Instant now) {
        return Optional.ofNullable(Blocking.onContext(() -> Panache.withTransaction(() ->
                endpoints.claim(id, owner, now, now.plus(lease))
                        .flatMap(taken -> taken == 0 ? Uni.createFrom().<WebhookEndpoint>nullItem() : endpoints.findById(id))
                        .map(e -> e == null ? null : ClaimedEndpoint.of(e)))));
    }

    /** Frees the lease, moving the cursor to {@code cursor} (past events the filters passed over, if any). */
    void release(String id, String cursor) {
        Blocking.onContext(() -> Panache.withTransaction(() -> endpoints.release(id, owner, cursor)));
    }

    /** A batch was accepted: moves the cursor past it, clears the failure count and frees the lease. */
    void recordSuccess(String id, String cursor, Instant at) {
        Blocking.onContext(() -> Panache.withTransaction(() -> endpoints.recordSuccess(id, owner, cursor, at)));
    }

    /**
     * An attempt failed: stores the failure count and the next attempt's time and frees the lease; with
     * {@code disable}, also disables the endpoint. Answers true only to the one caller that disabled it.
     */
    boolean recordFailure(String id, int failures, Instant at, Instant next, boolean disable) {
        return Blocking.onContext(() -> Panache.withTransaction(() ->
                endpoints.recordFailure(id, owner, failures, at, next).flatMap(updated ->
                        updated == 1 && disable
                                ? endpoints.disable(id, at).map(n -> n == 1)
                                : Uni.createFrom().item(false))));
    }
}
