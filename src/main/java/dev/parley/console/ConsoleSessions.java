package dev.parley.console;

import dev.parley.account.TokenHasher;
import dev.parley.common.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;

/** Console sessions in PostgreSQL: opened at sign-in, found by the cookie, closed at sign-out or expiry. */
@ApplicationScoped
public class ConsoleSessions implements PanacheRepositoryBase<ConsoleSession, String> {

    private final ConsoleConfig config;
    private final Clock clock;

    public ConsoleSessions(ConsoleConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** A new session and the cookie value that names it (shown to the browser only). */
    public record Opened(ConsoleSession session, String cookie) {
    }

    public Uni<Opened> open(String accountId) {
        String cookie = Ids.secret(32);
        Instant now = clock.instant();
        ConsoleSession session = new ConsoleSession();
        session.idHash = TokenHasher.sha256(cookie);
        session.accountId = accountId;
        session.csrf = Ids.secret(24);
        session.createdAt = now;
        session.expiresAt = now.plus(config.sessionTtl());
        return Panache.withTransaction(() -> persist(session)).map(saved -> new Opened(saved, cookie));
    }

    /** The live session the cookie names, or null. */
    public Uni<ConsoleSession> find(String cookie) {
        if (cookie == null || cookie.isBlank() || cookie.length() > 100) {
            return Uni.createFrom().nullItem();
        }
        return Panache.withSession(() -> findById(TokenHasher.sha256(cookie)))
                .map(s -> s != null && s.expiresAt.isAfter(clock.instant()) ? s : null);
    }

    public Uni<Void> close(String cookie) {
        return Panache.withTransaction(() -> deleteById(TokenHasher.sha256(cookie))).replaceWithVoid();
    }
}
