package dev.parley.console;

import dev.parley.account.Account;
import dev.parley.account.AccountService;
import io.quarkus.qute.Engine;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.time.Duration;

/** Console sign-in and sign-out: email and password, a session cookie (HTTP-only, Secure, SameSite=Strict). */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class SignInResource {

    private final AccountService accounts;
    private final ConsoleSessions sessions;
    private final SignInThrottle throttle;
    private final ConsolePages pages;
    private final Engine engine;
    private final ConsoleConfig config;

    public SignInResource(AccountService accounts, ConsoleSessions sessions, SignInThrottle throttle,
                          ConsolePages pages, Engine engine, ConsoleConfig config) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.throttle = throttle;
        this.pages = pages;
        this.engine = engine;
        this.config = config;
    }

    @GET
    @Path("sign-in")
    public String form() {
        return signInPage(null, null);
    }

    @POST
    @Path("sign-in")
    public Response signIn(@RestForm String email, @RestForm String password, @Context HttpServerRequest http) {
        String address = http.remoteAddress() == null ? "?" : http.remoteAddress().hostAddress();
        Duration wait = throttle.waitFor(email, address);
        if (!wait.isZero()) {
            long seconds = Math.max(1, wait.toSeconds());
            return Response.status(429).header("Retry-After", seconds).type(MediaType.TEXT_HTML)
                    .entity(signInPage("Too many failed sign-ins: try again in " + minutes(seconds), email)).build();
        }
        Account account = pages.call(() -> accounts.signIn(email, password));
        if (account == null) {
            throttle.failed(email, address);
            return Response.status(401).type(MediaType.TEXT_HTML)
                    .entity(signInPage("The email or the password is wrong", email)).build();
        }
        throttle.succeeded(email);
        ConsoleSessions.Opened opened = pages.call(() -> sessions.open(account.id));
        return Response.seeOther(URI.create("/console")).cookie(cookie(opened.cookie(), config.sessionTtl())).build();
    }

    @POST
    @Path("sign-out")
    public Response signOut(@RestForm String csrf, @CookieParam(ConsoleFilter.COOKIE) String cookie) {
        return pages.post(csrf, "/console", () -> {
            pages.call(() -> sessions.close(cookie));
            return "/console/sign-in";
        });
    }

    private String signInPage(String error, String email) {
        return engine.getTemplate("console/sign-in").data("error", error).data("email", email == null ? "" : email)
                .render();
    }

    /** The session cookie: never readable by script, sent only over HTTPS (or localhost) and only same-site. */
    static NewCookie cookie(String value, Duration ttl) {
        return new NewCookie.Builder(ConsoleFilter.COOKIE).value(value).path("/console").httpOnly(true).secure(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) ttl.toSeconds()).build();
    }

    private static String minutes(long seconds) {
        return seconds < 90 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
    }
}
