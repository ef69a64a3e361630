package dev.parley.console;

import dev.parley.common.Blocking;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.net.URI;
import java.util.Set;

/** Every console page needs a session (except sign-in and emailed links) and goes out with a strict Content-Security-Policy. */
public class ConsoleFilter {

    static final String COOKIE = "parley_console";
    /** Scripts, styles and images from Parley itself only: no inline script, no CDN, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Set<String> PUBLIC = Set.of("/console/sign-in", "/console/sign-in/link",
            "/console/sign-in/link/use");

    private final ConsoleSessions sessions;
    private final Signed signed;

    public ConsoleFilter(ConsoleSessions sessions, Signed signed) {
        this.sessions = sessions;
        this.signed = signed;
    }

    /** Console resources are blocking, so this runs on a worker thread and waits for the session lookup. */
    @ServerRequestFilter
    public Response requireSession(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/console") && !path.startsWith("/console/") || PUBLIC.contains(path)) {
            return null;
        }
        Cookie cookie = request.getCookies().get(COOKIE);
        ConsoleSession session = Blocking.onContext(() -> sessions.find(cookie == null ? null : cookie.getValue()));
        if (session != null) {
            signed.set(session);
            return null;
        }
        return "GET".equals(request.getMethod())
                ? Response.seeOther(URI.create("/console/sign-in")).build()
                : Response.status(401).type("text/plain").entity("Sign in to the console first").build();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.putSingle("Content-Security-Policy", CSP);
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("X-Frame-Options", "DENY");
        headers.putSingle("Referrer-Policy", "no-referrer");
        headers.putSingle("Cache-Control", "no-store");
    }
}
