package dev.parley.console;

import dev.parley.account.Account;
import dev.parley.account.AccountService;
import dev.parley.account.TokenHasher;
import dev.parley.common.Ids;
import dev.parley.error.ApiException;
import dev.parley.notify.OwnerNotifier;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One-time console links sent by email: a sign-in link an owner asks for on the sign-in page, and the operator's
 * invitation, with which a new owner signs in once and sets a console password. A link works once and only until
 * it expires; only its token's SHA-256 is stored, as for sessions and API tokens.
 */
@ApplicationScoped
public class ConsoleLinks implements PanacheRepositoryBase<ConsoleLink, String> {

    private final AccountService accounts;
    private final OwnerNotifier mail;
    private final ConsoleConfig config;
    private final Clock clock;

    public ConsoleLinks(AccountService accounts, OwnerNotifier mail, ConsoleConfig config, Clock clock) {
        this.accounts = accounts;
        this.mail = mail;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Emails a sign-in link to the owner who signs in with {@code email}; nothing for an unknown email, and the
     * caller answers the same either way, so the page does not tell which emails have accounts.
     */
    public Uni<Void> sendSignIn(String email) {
        return accounts.consoleOwner(email).flatMap(account -> account == null ? Uni.createFrom().voidItem()
                : issue(account.id, ConsoleLink.Purpose.sign_in, config.signInLinkTtl()).flatMap(issued ->
                mail.email(account.id, "Your Parley sign-in link", "Sign in to the Parley console with this link. "
                        + "It works once, for " + minutes(config.signInLinkTtl()) + ":\n\n" + url(issued.token())
                        + "\n\nIf you did not ask for it, ignore this email.")));
    }

    /** Emails the account's owner an invitation to the console; answers when it expires. */
    public Uni<Instant> invite(String accountId) {
        return accounts.get(accountId).flatMap(account -> {
            if (account == null) {
                throw ApiException.notFound("Account", "id");
            }
            if (account.email == null || account.email.isBlank()) {
                throw ApiException.invalid("email", "The account has no email to invite");
            }
            return issue(account.id, ConsoleLink.Purpose.invite, config.inviteTtl()).flatMap(issued ->
                    mail.email(account.id, "You are invited to the Parley console", invitation(account, issued.token()))
                            .onFailure().transform(e -> new ApiException(503, "mail-unavailable",
                                    "The invitation could not be emailed (" + e.getMessage() + "); try again", null))
                            .replaceWith(issued.expiresAt()));
        });
    }

    /** Uses a link up: its account and purpose, or null if it is unknown, used or expired. */
    public Uni<ConsoleLink> use(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return Uni.createFrom().nullItem();
        }
        String hash = TokenHasher.sha256(token);
        Instant now = clock.instant();
        // One conditional update, so two clicks of the same link cannot both sign in.
        return Panache.withTransaction(() -> update("usedAt = ?1 where tokenHash = ?2 and usedAt is null"
                + " and expiresAt > ?1", now, hash).flatMap(used -> used == 1 ? findById(hash)
                : Uni.createFrom().nullItem()));
    }

    /** A link just stored: the token its URL carries (never stored) and when it expires. */
    private record Issued(String token, Instant expiresAt) {
    }

    private Uni<Issued> issue(String accountId, ConsoleLink.Purpose purpose, Duration ttl) {
        String token = Ids.secret(32);
        Instant now = clock.instant();
        ConsoleLink link = new ConsoleLink();
        link.tokenHash = TokenHasher.sha256(token);
        link.accountId = accountId;
        link.purpose = purpose;
        link.createdAt = now;
        link.expiresAt = now.plus(ttl);
        return Panache.withTransaction(() -> persist(link)).replaceWith(new Issued(token, link.expiresAt));
    }

    private String invitation(Account account, String token) {
        return "You have been given access to the Parley console of \"" + account.name + "\". Open this link to "
                + "sign in and choose your password (it works once, for " + config.inviteTtl().toDays()
                + " days):\n\n" + url(token) + "\n\nYou will then sign in with " + account.email + ".";
    }

    private String url(String token) {
        String base = config.publicUrl().endsWith("/") ? config.publicUrl().substring(0, config.publicUrl().length() - 1)
                : config.publicUrl();
        return base + "/console/sign-in/link?token=" + token;
    }

    private static String minutes(Duration ttl) {
        return ttl.toMinutes() + " minutes";
    }
}
