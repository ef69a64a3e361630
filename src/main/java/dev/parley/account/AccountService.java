package dev.parley.account;

import dev.parley.common.Ids;
import dev.parley.common.Names;
import dev.parley.error.ApiException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Clock;
import java.time.Instant;

/** Creates accounts (an operator action) together with their first API token. */
@ApplicationScoped
public class AccountService {

    /** Highest per-account device limit the operator may set; a sanity bound, not a capacity figure. */
    static final int MAX_DEVICES_CEILING = 100_000;

    static final int MIN_PASSWORD = 8;
    private static final String DUMMY_HASH = Passwords.hash("not a password of anyone");

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

    /** Sets an account's console password (8 to 200 characters); its email becomes its console sign-in name. */
    @WithTransaction
    public Uni<Account> setConsolePassword(String id, String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > 200) {
            throw ApiException.invalid("password", "password must be " + MIN_PASSWORD + " to 200 characters");
        }
        String hash = Passwords.hash(password);
        return accounts.findById(id).chain(account -> {
            if (account == null) {
                throw ApiException.notFound("Account", "id");
            }
            if (account.email == null) {
                throw ApiException.invalid("email", "The account has no email to sign in with");
            }
            return accounts.count("lower(email) = ?1 and passwordHash is not null and id <> ?2",
                    account.email.toLowerCase(), id).chain(taken -> {
                        if (taken > 0) {
                            throw emailTaken();
                        }
                        account.passwordHash = hash;
                        // Flushed here so that a concurrent claim of the same email fails as a conflict, not a 500.
                        return accounts.flush().replaceWith(account);
                    });
        }).onFailure(AccountService::isUniqueViolation).transform(e -> emailTaken());
    }

    private static ApiException emailTaken() {
        return ApiException.conflict("Another account already signs in to the console with this email", "email");
    }

    /** PostgreSQL's unique_violation (SQLSTATE 23505), however deep Hibernate wrapped it. */
    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    /** The account that signs in to the console with this email (it has a console password), or null. */
    @WithSession
    public Uni<Account> consoleOwner(String email) {
        if (email == null || email.isBlank() || email.length() > 320) {
            return Uni.createFrom().nullItem();
        }
        return accounts.find("lower(email) = ?1 and passwordHash is not null", email.trim().toLowerCase())
                .firstResult();
    }

    /** The account whose console email and password these are, or null (the same for an unknown email). */
    @WithSession
    public Uni<Account> signIn(String email, String password) {
        if (email == null || email.isBlank() || password == null) {
            return Uni.createFrom().nullItem();
        }
        return accounts.find("lower(email) = ?1 and passwordHash is not null", email.trim().toLowerCase())
                .firstResult().map(account -> {
                    // An unknown email costs a hash too, so timing does not tell which emails have accounts.
                    boolean ok = Passwords.matches(password, account == null ? DUMMY_HASH : account.passwordHash);
                    return ok && account != null ? account : null;
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
