package dev.parley.device;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** Devices in PostgreSQL; every account-facing query is scoped by account id. */
@ApplicationScoped
public class DeviceRepository implements PanacheRepositoryBase<Device, String> {

    public Uni<List<Device>> listForAccount(String accountId) {
        return list("accountId", Sort.by("createdAt").and("id"), accountId);
    }

    /** Up to {@code limit} devices in creation order, after the given position (both null: from the start). */
    public Uni<List<Device>> pageForAccount(String accountId, Instant afterCreatedAt, String afterId, int limit) {
        if (afterCreatedAt == null) {
            return find("accountId", Sort.by("createdAt").and("id"), accountId).range(0, limit - 1).list();
        }
        return find("accountId = ?1 and (createdAt > ?2 or (createdAt = ?2 and id > ?3))",
                Sort.by("createdAt").and("id"), accountId, afterCreatedAt, afterId).range(0, limit - 1).list();
    }

    public Uni<Device> findForAccount(String accountId, String id) {
        return find("id = ?1 and accountId = ?2", id, accountId).firstResult();
    }

    public Uni<List<Device>> listForShards(Collection<Integer> shards) {
        return list("shard in ?1", shards);
    }

    public Uni<Integer> updateStatus(String id, DeviceStatus status, Instant at) {
        return update("status = ?1, statusAt = ?2 where id = ?3 and status <> ?1", status, at, id);
    }
}
