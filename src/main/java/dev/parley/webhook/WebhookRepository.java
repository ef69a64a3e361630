package dev.parley.webhook;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Webhook endpoints in PostgreSQL. Account-facing queries are scoped by account id; the dispatcher's
 * updates are conditional on the lease it holds, so a lost lease never overwrites another's progress.
 */
@ApplicationScoped
public class WebhookRepository implements PanacheRepositoryBase<WebhookEndpoint, String> {

    public Uni<List<WebhookEndpoint>> listForAccount(String accountId) {
        return list("accountId", Sort.by("createdAt").and("id"), accountId);
    }

    public Uni<WebhookEndpoint> findForAccount(String accountId, String id) {
        return find("id = ?1 and accountId = ?2", id, accountId).firstResult();
    }

    public Uni<Long> countForAccount(String accountId) {
        return count("accountId", accountId);
    }

    /**
     * Ids of active endpoints whose next attempt is due, oldest due first. Held ones are included: a turn
     * requested while one is in flight runs right after it, and the lease decides who delivers.
     */
    public Uni<List<String>> dueIds(Instant now, int limit) {
        return find("status = ?1 and nextAttemptAt <= ?2", Sort.by("nextAttemptAt"), WebhookStatus.active, now)
                .range(0, limit - 1).list()
                .map(list -> list.stream().map(e -> e.id).toList());
    }

    /** Takes the endpoint's lease until {@code until} if it is active, due and free; answers 1 when taken. */
    public Uni<Integer> claim(String id, String owner, Instant now, Instant until) {
        return update("leaseOwner = ?1, leaseUntil = ?2 where id = ?3 and status = ?4 and nextAttemptAt <= ?5"
                + " and (leaseUntil is null or leaseUntil < ?5)", owner, until, id, WebhookStatus.active, now);
    }

    /** A batch was accepted: moves the cursor past it, clears the failure count and frees the lease. */
    public Uni<Integer> recordSuccess(String id, String owner, String cursor, Instant now) {
        return update("cursor = ?1, consecutiveFailures = 0, lastSuccessAt = ?2, leaseOwner = null, leaseUntil = null"
                + " where id = ?3 and leaseOwner = ?4", cursor, now, id, owner);
    }

    /** Nothing to deliver: moves the cursor past events the filters passed over and frees the lease. */
    public Uni<Integer> release(String id, String owner, String cursor) {
        return update("cursor = ?1, leaseOwner = null, leaseUntil = null where id = ?2 and leaseOwner = ?3",
                cursor, id, owner);
    }

    /** A delivery attempt failed: stores the failure count and when to try next, and frees the lease. */
    public Uni<Integer> recordFailure(String id, String owner, int failures, Instant now, Instant next) {
        return update("consecutiveFailures = ?1, lastFailureAt = ?2, nextAttemptAt = ?3, leaseOwner = null,"
                + " leaseUntil = null where id = ?4 and leaseOwner = ?5", failures, now, next, id, owner);
    }

    /** Disables an active endpoint; answers 1 only to the one caller that disabled it. */
    public Uni<Integer> disable(String id, Instant now) {
        return update("status = ?1, disabledAt = ?2 where id = ?3 and status = ?4",
                WebhookStatus.disabled, now, id, WebhookStatus.active);
    }
}
