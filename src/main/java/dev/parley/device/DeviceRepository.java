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
