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

    /** Most devices one token can be limited to. */
    static final int MAX_TOKEN_DEVICES = 100;

    private final ApiTokenRepository tokens;
    private final TokenDevices tokenDevices;
    private final ParleyConfig config;
    private final Clock clock;

    public TokenService(ApiTokenRepository tokens, TokenDevices tokenDevices, ParleyConfig config, Clock clock) {
        this.tokens = tokens;
        this.tokenDevices = tokenDevices;
        this.config = config;
        this.clock = clock;
    }

    /** What a new token may do: {@code devices} null for every device of the account. */
    public record Limits(List<String> devices, boolean readOnly) {
        public static final Limits NONE = new Limits(null, false);
    }

    /** A freshly created token with its plain value. */
    public record IssuedToken(ApiToken token, String plain) {
    }

    @WithTransaction
    public Uni<IssuedToken> issue(String accountId, String name, Limits limits) {
        String cleanName = name == null || name.isBlank() ? "default" : Names.check(name, "name", 100);
        List<String> devices = checkDevices(limits.devices());
        int max = config.api().maxTokensPerAccount();
        Uni<Void> owned = devices == null ? Uni.createFrom().voidItem()
                : tokenDevices.requireOwned(accountId, devices, "devices");
        return owned.flatMap(ignored -> tokens.countActive(accountId)).flatMap(count -> {
            if (count >= max) {
                throw ApiException.conflict("An account holds at most " + max + " active tokens; revoke one first", null);
            }
            return create(accountId, cleanName, devices, limits.readOnly());
        });
    }

    private static List<String> checkDevices(List<String> devices) {
        if (devices == null) {
            return null;
        }
        if (devices.isEmpty()) {
            throw ApiException.invalid("devices", "devices lists the device ids the token is limited to; "
                    + "leave it out for a token of every device");
        }
        if (devices.size() > MAX_TOKEN_DEVICES) {
            throw ApiException.invalid("devices", "a token is limited to at most " + MAX_TOKEN_DEVICES + " devices");
        }
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i) == null || devices.get(i).isBlank()) {
                throw ApiException.invalid("devices[" + i + "]", "a device id is required");
            }
        }
        return devices.stream().map(String::trim).distinct().toList();
    }

    /** Creates an unlimited token without the per-account limit check; for a new account's first token. */
    Uni<IssuedToken> create(String accountId, String name) {
        return create(accountId, name, null, false);
    }

    private Uni<IssuedToken> create(String accountId, String name, List<String> devices, boolean readOnly) {
        Instant now = clock.instant();
        String plain = TOKEN_PREFIX + Ids.secret(32);
        ApiToken token = new ApiToken();
        token.id = Ids.newId(now);
        token.accountId = accountId;
        token.name = name;
        token.tokenHash = TokenHasher.sha256(plain);
        token.prefix = plain.substring(0, 10);
        token.createdAt = now;
        token.devices = devices == null ? null : devices.toArray(String[]::new);
        token.readOnly = readOnly;
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
     * The account an API token belongs to and what the token may do; a missing, unknown or revoked token fails
     * with a 401. The one place a presented token is checked, for the REST filter and for routes outside it
     * (file uploads).
     */
    public Uni<Access> accessOf(String token) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().failure(
                    ApiException.unauthorized("Send a valid API token in the Token header or the token query parameter"));
        }
        String hash = TokenHasher.sha256(token.trim());
        return Panache.withSession(() -> tokens.findActiveByHash(hash)).map(found -> {
            if (found == null) {
                throw ApiException.unauthorized("The API token is unknown or revoked");
            }
            return found.access();
        });
    }
}
