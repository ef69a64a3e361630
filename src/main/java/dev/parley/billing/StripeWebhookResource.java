package dev.parley.billing;

import dev.parley.account.ApiAuthFilter;
import dev.parley.common.Blocking;
import dev.parley.error.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Map;

/**
 * Stripe's webhook: the signature is verified on the raw body before anything is read; each event id is handled
 * once; the subscription it names is read again from Stripe ({@link SubscriptionSync}).
 */
@Path(ApiAuthFilter.STRIPE_WEBHOOK_PATH)
public class StripeWebhookResource {

    private static final Logger LOG = Logger.getLogger(StripeWebhookResource.class);

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final BillingRecords records;
    private final SubscriptionSync sync;
    private final CustomerTaxes taxes;
    private final Clock clock;

    public StripeWebhookResource(BillingConfig config, BillingGateway gateway, BillingRecords records, SubscriptionSync sync,
                                 CustomerTaxes taxes, Clock clock) {
        this.taxes = taxes;
        this.config = config;
        this.gateway = gateway;
        this.records = records;
        this.sync = sync;
        this.clock = clock;
    }

    /** Stripe's answer needs only a 2xx; a 4xx makes it retry later, as does a 5xx. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @io.smallrye.common.annotation.Blocking
    public Map<String, Object> receive(String body, @HeaderParam("Stripe-Signature") String signature) {
        if (!config.enabled()) {
            throw new ApiException(404, "not-found", "Billing is off (parley.billing.enabled)", null);
        }
        BillingGateway.Event event;
        try {
            event = gateway.verify(body == null ? "" : body, signature);
        } catch (BillingGateway.InvalidSignature e) {
            LOG.warnf("Stripe webhook refused: %s", e.getMessage());
            throw new ApiException(400, "stripe-signature", "The Stripe-Signature header does not verify this body: "
                    + e.getMessage(), "Stripe-Signature");
        }
        if (Blocking.onContext(() -> records.eventSeen(event.id()))) {
            return Map.of("received", true, "duplicate", true);
        }
        sync.handle(event);
        if (("customer.tax_id.created".equals(event.type()) || "customer.tax_id.updated".equals(event.type()))
                && event.objectId() != null) {
            taxes.taxIdChanged(event.objectId());
        }
        Blocking.onContext(() -> records.recordEvent(event.id(), event.type(), clock.instant()));
        return Map.of("received", true);
    }
}
