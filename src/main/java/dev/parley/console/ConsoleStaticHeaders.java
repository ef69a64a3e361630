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

    void onRouter(@Observes Router router) {
        // Runs before the static-resources handler, which then serves the file with these headers in place.
        router.route("/console/static/*").order(Integer.MIN_VALUE).handler(rc -> {
            rc.response().putHeader("Content-Security-Policy", ConsoleFilter.CSP)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer");
            rc.next();
        });
    }
}
