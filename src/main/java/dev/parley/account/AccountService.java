package dev.parley.account;

import dev.parley.common.Ids;
import dev.parley.common.Names;
import dev.parley.error.ApiException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Clock;
import java.time.Instant;

/** Creates accounts (an operator action) together with their first API token. */
@ApplicationScoped
public class AccountService {

    /** Highest per-account device limit the operator may set; a sanity bound, not a capacity figure. */
    static final int MAX_DEVICES_CEILING = 100_000;

    private final AccountRepository accounts;
    private final TokenService tokens;
    private final Clock clock;

    public AccountService(AccountRepository accounts, TokenService tokens, Clock clock) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A new account and its first token. */
    public record CreatedAccount(Account account, TokenService.IssuedToken token) {
    }

    @WithTransaction
    public Uni<CreatedAccount> create(String name, String email) {
        String cleanName = Names.check(name, "name", 200);
        if (email != null && (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")
                || email.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.invalid("email", "email is not a valid address");
        }
        Instant now = clock.instant();
        Account account = new Account();
        account.id = Ids.newId(now);
        account.name = cleanName;
        account.email = email;
        account.createdAt = now;
        return accounts.persist(account)
                .flatMap(saved -> tokens.create(saved.id, "default"))
                .map(token -> new CreatedAccount(account, token));
    }

    /** Sets (or, with null, clears) an account's own device limit; a 404 naming {@code id} for no such account. */
    @WithTransaction
    public Uni<Account> setMaxDevices(String id, Integer maxDevices) {
        if (maxDevices != null && (maxDevices < 0 || maxDevices > MAX_DEVICES_CEILING)) {
            throw ApiException.invalid("maxDevices", "maxDevices must be between 0 and " + MAX_DEVICES_CEILING
                    + ", or null for the default");
        }
        return accounts.findById(id).invoke(account -> {
            if (account == null) {
                throw ApiException.notFound("Account", "id");
            }
            account.maxDevices = maxDevices;
        });
    }

    /** The account, locked until the transaction ends: serializes changes that check a per-account limit. */
    public Uni<Account> lock(String id) {
        return accounts.findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    @WithSession
    public Uni<Account> get(String id) {
        return accounts.findById(id);
    }

    @WithSession
    public Uni<Long> count() {
        return accounts.count();
    }
}
