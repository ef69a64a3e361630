package dev.parley.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.config.ParleyConfig;
import dev.parley.error.HttpProblems;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Puts {@code /q/metrics} behind the operator key unless {@code parley.metrics.open} (only under
 * {@code make run}, which listens on loopback): the key goes in the {@code Operator-Key} header, or as
 * {@code Authorization: Bearer <key>} for scrapers such as Prometheus.
 */
@ApplicationScoped
public class MetricsGuard {

    private static final int EARLY = Integer.MIN_VALUE + 20;

    private final ObjectMapper json;
    private final ParleyConfig config;

    public MetricsGuard(ObjectMapper json, ParleyConfig config) {
        this.json = json;
        this.config = config;
    }

    void install(@Observes Router router) {
        if (!config.metrics().open()) {
            router.routeWithRegex("/q/metrics(/.*)?").order(EARLY).handler(this::authorize);
        }
    }

    private void authorize(RoutingContext ctx) {
        String expected = config.operatorKey().orElse(null);
        if (expected == null || expected.isBlank()) {
            HttpProblems.send(ctx, json, 403, "forbidden",
                    "Metrics need the operator key, and no parley.operator-key is configured", null);
            return;
        }
        String given = ctx.request().getHeader(ApiAuthFilter.OPERATOR_HEADER);
        String authorization = ctx.request().getHeader("Authorization");
        if (given == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).trim();
        }
        if (!TokenHasher.constantTimeEquals(expected, given)) {
            HttpProblems.send(ctx, json, 401, "unauthorized",
                    "Send the operator key in the Operator-Key header or as Authorization: Bearer", null);
            return;
        }
        ctx.next();
    }
}
