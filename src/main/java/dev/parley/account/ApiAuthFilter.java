package dev.parley.account;

import dev.parley.config.ParleyConfig;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authenticates every {@code /v1} request: operator endpoints by the Operator-Key header, all others by
 * an API token in the {@code Token} header or the {@code token} query parameter.
 */
public class ApiAuthFilter {

    static final String TOKEN_HEADER = "Token";
    static final String TOKEN_QUERY = "token";
    static final String OPERATOR_HEADER = "Operator-Key";
    /** Stripe's webhook calls carry a signature instead of a token. */
    public static final String STRIPE_WEBHOOK_PATH = "/v1/billing/stripe-webhook";

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Pattern DEVICE_PATH = Pattern.compile("/v1/devices/([^/]+)(/.*)?");
    /** Settings of the whole account: tokens (a limited token must not mint a wider one) and webhooks. */
    private static final List<String> ACCOUNT_WIDE = List.of("/v1/tokens", "/v1/webhooks");

    private final TokenService tokens;
    private final Caller caller;
    private final ParleyConfig config;

    public ApiAuthFilter(TokenService tokens, Caller caller, ParleyConfig config) {
        this.tokens = tokens;
        this.caller = caller;
        this.config = config;
    }

    @ServerRequestFilter
    public Uni<Void> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/")) {
            return Uni.createFrom().voidItem();
        }
        if (path.equals(STRIPE_WEBHOOK_PATH)) {
            // Stripe signs its calls instead (billing.StripeWebhookResource verifies the signature).
            return Uni.createFrom().voidItem();
        }
        if (path.startsWith("/v1/operator/")) {
            String expected = config.operatorKey().orElse(null);
            if (expected == null || expected.isBlank()) {
                throw ApiException.forbidden("Operator endpoints are disabled: no parley.operator-key is configured", null);
            }
            if (!TokenHasher.constantTimeEquals(expected, request.getHeaderString(OPERATOR_HEADER))) {
                throw ApiException.unauthorized("Send the operator key in the Operator-Key header");
            }
            return Uni.createFrom().voidItem();
        }
        String token = request.getHeaderString(TOKEN_HEADER);
        if (token == null || token.isBlank()) {
            token = request.getUriInfo().getQueryParameters().getFirst(TOKEN_QUERY);
        }
        return tokens.accessOf(token)
                .invoke(access -> {
                    checkLimits(access, request.getMethod(), path);
                    caller.authenticate(access);
                })
                .replaceWithVoid();
    }

    /**
     * A read-only token may only read; a device-limited one sees its devices' paths only (others answer as
     * unknown) and none of the account-wide settings through which it could reach further.
     */
    static void checkLimits(Access access, String method, String path) {
        if (access.readOnly() && !READ_METHODS.contains(method)) {
            throw ApiException.forbidden("This token is read-only: it cannot " + method + " " + path, null);
        }
        if (!access.deviceLimited()) {
            return;
        }
        Matcher device = DEVICE_PATH.matcher(path);
        if (device.matches() && !access.sees(device.group(1))) {
            throw ApiException.notFound("Device", "device");
        }
        if (path.equals("/v1/devices") && !READ_METHODS.contains(method)) {
            throw ApiException.forbidden("This token is limited to some devices and cannot add devices", null);
        }
        for (String prefix : ACCOUNT_WIDE) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                throw ApiException.forbidden("This token is limited to some devices and cannot use " + prefix, null);
            }
        }
    }
}
