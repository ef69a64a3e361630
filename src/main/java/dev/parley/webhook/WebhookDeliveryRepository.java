package dev.parley.webhook;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The delivery log: recent requests per endpoint, newest first, pruned to a fixed number. */
@ApplicationScoped
public class WebhookDeliveryRepository implements PanacheRepositoryBase<WebhookDelivery, String> {

    private static final Sort NEWEST_FIRST = Sort.descending("attemptedAt", "id");

    public Uni<List<WebhookDelivery>> latest(String endpointId, int limit) {
        return find("endpointId", NEWEST_FIRST, endpointId).range(0, limit - 1).list();
    }

    /** Deletes all but the {@code keep} newest entries of an endpoint. */
    public Uni<Long> prune(String endpointId, int keep) {
        return find("endpointId", NEWEST_FIRST, endpointId).range(keep, keep).firstResult()
                .flatMap(oldestDropped -> oldestDropped == null ? Uni.createFrom().item(0L)
                        : delete("endpointId = ?1 and (attemptedAt < ?2 or (attemptedAt = ?2 and id <= ?3))",
                        endpointId, oldestDropped.attemptedAt, oldestDropped.id));
    }
}
