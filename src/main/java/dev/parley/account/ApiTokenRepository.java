package dev.parley.account;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** API tokens in PostgreSQL. */
@ApplicationScoped
public class ApiTokenRepository implements PanacheRepositoryBase<ApiToken, String> {

    public Uni<ApiToken> findActiveByHash(String hash) {
        return find("tokenHash = ?1 and revokedAt is null", hash).firstResult();
    }

    public Uni<List<ApiToken>> listActive(String accountId) {
        return list("accountId = ?1 and revokedAt is null", Sort.by("createdAt").and("id"), accountId);
    }

    public Uni<Long> countActive(String accountId) {
        return count("accountId = ?1 and revokedAt is null", accountId);
    }

    public Uni<ApiToken> findActive(String accountId, String id) {
        return find("id = ?1 and accountId = ?2 and revokedAt is null", id, accountId).firstResult();
    }
}
