package dev.parley.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.config.ParleyConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP layer's share of "every error is a problem": refuses over-long paths and query strings (414)
 * and malformed percent-encoding (400, naming the query parameter or {@code path}) before routing, and
 * turns the router's own bodiless 4xx failures (an over-large body, say) into problem documents. Quarkus
 * refuses a URI that {@link java.net.URI} cannot parse before any route, with an empty 400, unless the JVM
 * starts with {@code -Dvertx.disableURIValidation=true} (read before any bean exists, so every launcher sets it:
 * make run, the connector image, the tests); this guard then makes the same check itself
 * and answers with a problem naming {@code path}, {@code query} or the parameter.
 */
@ApplicationScoped
public class RequestLineGuard {

    /** Before Quarkus's own handlers, so that nothing decodes the URI first. */
    private static final int FIRST = Integer.MIN_VALUE + 10;

    private final ObjectMapper json;
    private final int maxPath;
    private final int maxQuery;

    public RequestLineGuard(ObjectMapper json, ParleyConfig config) {
        this.json = json;
        this.maxPath = config.api().maxPathLength();
        this.maxQuery = config.api().maxQueryLength();
    }

    void install(@Observes Router router) {
        router.route().order(FIRST).handler(this::check);
        router.route().order(FIRST).failureHandler(this::failure);
    }

    private void check(RoutingContext ctx) {
        String uri = ctx.request().uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? null : uri.substring(q + 1);
        if (path.length() > maxPath) {
            problem(ctx, 414, "uri-too-long", "The path is " + path.length() + " characters; the limit is " + maxPath,
                    "path");
            return;
        }
        if (query != null && query.length() > maxQuery) {
            problem(ctx, 414, "uri-too-long",
                    "The query string is " + query.length() + " characters; the limit is " + maxQuery, "query");
            return;
        }
        if (!decodes(path)) {
            problem(ctx, 400, "invalid-encoding", "The path holds malformed percent-encoding", "path");
            return;
        }
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                if (!decodes(rawName)) {
                    problem(ctx, 400, "invalid-encoding", "A query parameter name holds malformed percent-encoding",
                            "query");
                    return;
                }
                if (eq >= 0 && !decodes(pair.substring(eq + 1))) {
                    String name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
                    problem(ctx, 400, "invalid-encoding", name + " holds malformed percent-encoding", name);
                    return;
                }
            }
        }
        try {
            new URI(uri);
        } catch (URISyntaxException e) {
            // What Quarkus's own validation would refuse (a space or other character a URI cannot hold, say).
            boolean inQuery = q >= 0 && e.getIndex() > q;
            problem(ctx, 400, "invalid-uri", "The " + (inQuery ? "query string" : "path") + " holds a character a URI"
                    + " cannot: " + e.getReason(), inQuery ? "query" : "path");
            return;
        }
        ctx.next();
    }

    /** A failure the router raised without a response (no exception mapper saw it) becomes a problem. */
    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (ctx.response().headWritten() || status < 400 || status >= 500) {
            ctx.next();
            return;
        }
        String detail = switch (status) {
            case 413 -> "The request body is larger than the server accepts";
            case 414 -> "The request URI is longer than the server accepts";
            case 431 -> "The request headers are larger than the server accepts";
            default -> "The request is malformed";
        };
        problem(ctx, status, "http-" + status, detail, null);
    }

    private void problem(RoutingContext ctx, int status, String type, String detail, String field) {
        HttpProblems.send(ctx, json, status, type, detail, field);
    }

    private static boolean decodes(String raw) {
        if (raw.indexOf('%') < 0) {
            return true;
        }
        try {
            URLDecoder.decode(raw, StandardCharsets.UTF_8);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
