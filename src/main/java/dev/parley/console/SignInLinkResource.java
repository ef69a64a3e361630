package dev.parley.console;

import dev.parley.account.AccountService;
import dev.parley.error.ApiException;
import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.time.Duration;

/**
 * Signing in by an emailed one-time link instead of the password, and the operator's invitation of a new owner,
 * who signs in by its link and then chooses a console password. Opening a link shows a button rather than
 * signing in at once: mail scanners open links, and must not use them up.
 */
@Path("/console")
@Blocking
public class SignInLinkResource {

    private static final Logger LOG = Logger.getLogger(SignInLinkResource.class);

    private final ConsoleLinks links;
    private final ConsoleSessions sessions;
    private final SignInThrottle throttle;
    private final ConsolePages pages;
    private final Engine engine;
    private final ConsoleConfig config;
    private final AccountService accounts;

    public SignInLinkResource(ConsoleLinks links, ConsoleSessions sessions, SignInThrottle throttle,
                              ConsolePages pages, Engine engine, ConsoleConfig config,
                              AccountService accounts) {
        this.links = links;
        this.sessions = sessions;
        this.throttle = throttle;
        this.pages = pages;
        this.engine = engine;
        this.config = config;
        this.accounts = accounts;
    }

    /**
     * Emails a sign-in link. The answer is the same whether or not the email has an account; each request counts
     * against the sign-in throttle, so the form cannot be used to flood an inbox.
     */
    @POST
    @Path("sign-in/link")
    @Produces(MediaType.TEXT_HTML)
    public Response send(@RestForm String email, @Context HttpServerRequest http) {
        String address = http.remoteAddress() == null ? "?" : http.remoteAddress().hostAddress();
        Duration wait = throttle.waitFor(email, address);
        if (!wait.isZero()) {
            return Response.status(429).header("Retry-After", Math.max(1, wait.toSeconds())).type(MediaType.TEXT_HTML)
                    .entity(linkPage("Too many requests: try again later", null, null)).build();
        }
        throttle.failed(email, address);
        try {
            pages.call(() -> links.sendSignIn(email));
        } catch (RuntimeException e) {
            // The same answer either way: a failure shown only for known emails would tell which ones have accounts.
            LOG.warnf("Emailing a console sign-in link failed: %s", e.toString());
        }
        return Response.ok(linkPage(null, "If an account signs in with that email, a sign-in link is on its way. "
                + "It works once, for " + config.signInLinkTtl().toMinutes() + " minutes.", null)).build();
    }

    /** The page an emailed link opens: one button that uses the link up. */
    @GET
    @Path("sign-in/link")
    @Produces(MediaType.TEXT_HTML)
    public String open(@QueryParam("token") String token) {
        return linkPage(null, null, token == null ? "" : token);
    }

    @POST
    @Path("sign-in/link/use")
    @Produces(MediaType.TEXT_HTML)
    public Response use(@RestForm String token) {
        ConsoleLink link = pages.call(() -> links.use(token));
        if (link == null) {
            return Response.status(401).type(MediaType.TEXT_HTML).entity(linkPage(
                    "This link was used already or has expired: ask for a new one", null, null)).build();
        }
        ConsoleSessions.Opened opened = pages.call(() -> sessions.open(link.accountId));
        String next = link.purpose == ConsoleLink.Purpose.invite ? "/console/password" : "/console";
        return Response.seeOther(URI.create(next)).cookie(SignInResource.cookie(opened.cookie(), config.sessionTtl()))
                .build();
    }

    /** Choosing the console password: after an invitation, or any time while signed in. */
    @GET
    @Path("password")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance passwordForm(@QueryParam("error") String error, @QueryParam("field") String field) {
        return pages.page("password", error, field);
    }

    @POST
    @Path("password")
    @Produces(MediaType.TEXT_HTML)
    public Response setPassword(@RestForm String csrf, @RestForm String password) {
        return pages.post(csrf, "/console/password", () -> {
            if (password == null || password.isEmpty()) {
                throw ApiException.invalid("password", "Choose a password of 8 to 200 characters");
            }
            pages.call(() -> accounts.setConsolePassword(pages.accountId(), password));
            return "/console";
        });
    }

    private String linkPage(String error, String notice, String token) {
        return engine.getTemplate("console/sign-in-link").data("error", error).data("notice", notice)
                .data("token", token).render();
    }
}
