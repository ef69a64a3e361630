package dev.parley.console;

import dev.parley.error.ApiException;
import jakarta.enterprise.context.RequestScoped;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/** The console session of the current request, set by {@link ConsoleFilter}. */
@RequestScoped
public class Signed {

    private ConsoleSession session;

    void set(ConsoleSession session) {
        this.session = session;
    }

    public String accountId() {
        if (session == null) {
            throw ApiException.unauthorized("Sign in to the console first");
        }
        return session.accountId;
    }

    public String csrf() {
        return session == null ? "" : session.csrf;
    }

    /** Refuses a console POST whose form token is not this session's: a forged cross-site request. */
    public void checkCsrf(String token) {
        accountId();
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                session.csrf.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.forbidden("The form token is missing or stale: reload the page and try again", "csrf");
        }
    }
}
