package dev.parley.notify;

import dev.parley.account.Account;
import dev.parley.account.AccountRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Emails the owner of an account (its {@code email}) through quarkus-mailer: a webhook disabled after
 * repeated failures, and other alerts an account must hear about outside the API.
 */
@ApplicationScoped
public class OwnerNotifier {

    private static final Logger LOG = Logger.getLogger(OwnerNotifier.class);

    private final AccountRepository accounts;
    private final ReactiveMailer mailer;

    public OwnerNotifier(AccountRepository accounts, ReactiveMailer mailer) {
        this.accounts = accounts;
        this.mailer = mailer;
    }

    /**
     * Sends a plain-text email to the account's owner. An account without an email address is skipped
     * (logged); a failure to reach the mail server fails the returned {@code Uni}.
     */
    public Uni<Void> email(String accountId, String subject, String text) {
        return Panache.withSession(() -> accounts.findById(accountId)).flatMap(account -> {
            String to = address(account);
            if (to == null) {
                LOG.warnf("Not emailing account=%s about \"%s\": it has no email address", accountId, subject);
                return Uni.createFrom().voidItem();
            }
            return mailer.send(Mail.withText(to, subject, text))
                    .invoke(() -> LOG.infof("Emailed the owner of account=%s: %s", accountId, subject));
        });
    }

    private static String address(Account account) {
        return account == null || account.email == null || account.email.isBlank() ? null : account.email;
    }
}
