package dev.parley.webhook;

import dev.parley.common.Blocking;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Writes every webhook request to the endpoint's delivery log ({@code GET /v1/webhooks/{id}/logs}), keeping
 * the newest {@code parley.webhooks.logs-kept}. The log is for people: a delivery never fails because its
 * log line could not be written.
 */
@ApplicationScoped
class DeliveryLog {

    private static final Logger LOG = Logger.getLogger(DeliveryLog.class);

    private final WebhookDeliveryRepository deliveries;
    private final int kept;

    DeliveryLog(WebhookDeliveryRepository deliveries, WebhooksConfig config) {
        this.deliveries = deliveries;
        this.kept = config.logsKept();
    }

    /** Records one request to an endpoint and what it came to. */
    void record(String endpointId, String deliveryId, Instant attemptedAt, AttemptResult result, String eventIds) {
        WebhookDelivery entry = new WebhookDelivery();
        entry.id = deliveryId;
        entry.endpointId = endpointId;
        entry.attemptedAt = attemptedAt;
        entry.success = result.delivered();
        entry.statusCode = result.statusCode();
        entry.latencyMs = (int) Math.min(Integer.MAX_VALUE, result.latencyMillis());
        entry.eventIds = eventIds;
        entry.error = result.error();
        try {
            Blocking.onContext(() -> Panache.withTransaction(() -> deliveries.persist(entry)
                    .flatMap(saved -> deliveries.prune(endpointId, kept))));
        } catch (RuntimeException e) {
            LOG.warnf("Could not log delivery=%s of webhook=%s: %s", deliveryId, endpointId, e.toString());
        }
    }
}
