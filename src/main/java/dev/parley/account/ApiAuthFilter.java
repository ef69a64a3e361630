package dev.parley.account;

import dev.parley.config.ParleyConfig;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

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
        return tokens.accountOf(token)
                .invoke(caller::authenticate)
                .replaceWithVoid();
    }
}
