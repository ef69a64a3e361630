package dev.parley.console;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The console's static files ({@code console.js}, {@code console.css}) are served by the HTTP layer, not by a
 * JAX-RS resource, so {@link ConsoleFilter} never sees them: this route gives them the same security headers.
 */
@ApplicationScoped
public class ConsoleStaticHeaders {

    private static final int AFTER_REQUEST_LINE_GUARD = Integer.MIN_VALUE + 20;

    void onRouter(@Observes Router router) {
        // Runs before the static-resources handler, which then serves the file with these headers in place, but after
        // error.RequestLineGuard: matching a path pattern decodes the path, and a malformed one must meet the guard's
        // problem answer first, not Vert.x's bare 400.
        router.route("/console/static/*").order(AFTER_REQUEST_LINE_GUARD).handler(rc -> {
            rc.response().putHeader("Content-Security-Policy", ConsoleFilter.CSP)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer");
            rc.next();
        });
    }
}
