package dev.parley.account;

import dev.parley.common.Ids;
import dev.parley.common.Names;
import dev.parley.config.ParleyConfig;
import dev.parley.error.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Issues, lists and revokes API tokens; the plain token leaves this class once, in {@link IssuedToken}. */
@ApplicationScoped
public class TokenService {

    /** Prefix of every token, so leaked tokens are recognisable by secret scanners. */
    static final String TOKEN_PREFIX = "prl_";

    private final ApiTokenRepository tokens;
    private final ParleyConfig config;
    private final Clock clock;

    public TokenService(ApiTokenRepository tokens, ParleyConfig config, Clock clock) {
        this.tokens = tokens;
        this.config = config;
        this.clock = clock;
    }

    /** A freshly created token with its plain value. */
    public record IssuedToken(ApiToken token, String plain) {
    }

    @WithTransaction
    public Uni<IssuedToken> issue(String accountId, String name) {
        String cleanName = name == null || name.isBlank() ? "default" : Names.check(name, "name", 100);
        int max = config.api().maxTokensPerAccount();
        return tokens.countActive(accountId).flatMap(count -> {
            if (count >= max) {
                throw ApiException.conflict("An account holds at most " + max + " active tokens; revoke one first", null);
            }
            return create(accountId, cleanName);
        });
    }

    /** Creates a token without the per-account limit check; for a new account's first token. */
    Uni<IssuedToken> create(String accountId, String name) {
        Instant now = clock.instant();
        String plain = TOKEN_PREFIX + Ids.secret(32);
        ApiToken token = new ApiToken();
        token.id = Ids.newId(now);
        token.accountId = accountId;
        token.name = name;
        token.tokenHash = TokenHasher.sha256(plain);
        token.prefix = plain.substring(0, 10);
        token.createdAt = now;
        return tokens.persist(token).map(saved -> new IssuedToken(saved, plain));
    }

    @WithSession
    public Uni<List<ApiToken>> list(String accountId) {
        return tokens.listActive(accountId);
    }

    @WithTransaction
    public Uni<Void> revoke(String accountId, String tokenId) {
        return tokens.findActive(accountId, tokenId).invoke(token -> {
            if (token == null) {
                throw ApiException.notFound("Token", "id");
            }
            token.revokedAt = clock.instant();
        }).replaceWithVoid();
    }

    /**
     * The account an API token belongs to; a missing, unknown or revoked token fails with a 401. The one
     * place a presented token is checked, for the REST filter and for routes outside it (file uploads).
     */
    public Uni<String> accountOf(String token) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().failure(
                    ApiException.unauthorized("Send a valid API token in the Token header or the token query parameter"));
        }
        String hash = TokenHasher.sha256(token.trim());
        return Panache.withSession(() -> tokens.findActiveByHash(hash)).map(found -> {
            if (found == null) {
                throw ApiException.unauthorized("The API token is unknown or revoked");
            }
            return found.accountId;
        });
    }
}
