package dev.parley.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.common.Ids;
import dev.parley.event.Event;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One delivery attempt of a batch: POSTs {@code {"events": [...]}}, signed, to the endpoint, repeating the
 * request at once per the {@link WebhookRetryPolicy} while it fails in a way worth retrying. Every request
 * gets its own delivery id, is counted in the metrics and written to the delivery log.
 */
@ApplicationScoped
class BatchPoster {

    private static final Logger LOG = Logger.getLogger(BatchPoster.class);

    private final WebhookSender sender;
    private final DeliveryLog log;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final ImmediateRetries retries;

    BatchPoster(WebhookSender sender, DeliveryLog log, ObjectMapper json, MeterRegistry metrics, Clock clock,
                WebhooksConfig config) {
        this.sender = sender;
        this.log = log;
        this.json = json;
        this.metrics = metrics;
        this.clock = clock;
        this.retries = WebhookRetryPolicy.of(config).immediateRetries();
    }

    /** Sends {@code events} to the endpoint; answers the last request's result. */
    AttemptResult post(ClaimedEndpoint endpoint, List<Event> events) {
        byte[] body = body(events);
        URI url = URI.create(endpoint.url());
        String eventIds = String.join(",", events.stream().map(Event::id).toList());
        return retries.run(() -> send(endpoint, url, body, eventIds));
    }

    /** Sends {@code events} once, without retries, logged like every request: a test the owner asked for. */
    AttemptResult postOnce(ClaimedEndpoint endpoint, List<Event> events) {
        return send(endpoint, URI.create(endpoint.url()), body(events),
                String.join(",", events.stream().map(Event::id).toList()));
    }

    private AttemptResult send(ClaimedEndpoint endpoint, URI url, byte[] body, String eventIds) {
        String deliveryId = Ids.newId(clock.instant());
        Instant attemptedAt = clock.instant();
        AttemptResult result = sender.post(url, headers(endpoint, deliveryId, body), body);
        metrics.counter("parley.webhooks.requests", "outcome", result.delivered() ? "delivered" : "failed").increment();
        metrics.timer("parley.webhooks.latency").record(Duration.ofMillis(result.latencyMillis()));
        if (!result.delivered()) {
            LOG.infof("Webhook request failed: webhook=%s account=%s delivery=%s: %s", endpoint.id(),
                    endpoint.accountId(), deliveryId, result.error());
        }
        log.record(endpoint.id(), deliveryId, attemptedAt, result, eventIds);
        return result;
    }

    private static Map<String, String> headers(ClaimedEndpoint endpoint, String deliveryId, byte[] body) {
        // Receivers compare the timestamp with their own clock, so it is wall-clock time.
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookHeaders.DELIVERY, deliveryId);
        headers.put(WebhookHeaders.WEBHOOK, endpoint.id());
        headers.put(WebhookHeaders.TIMESTAMP, Long.toString(timestamp));
        headers.put(WebhookHeaders.SIGNATURE, WebhookSigner.signature(endpoint.secret(), timestamp, body));
        return headers;
    }

    private byte[] body(List<Event> events) {
        try {
            return json.writeValueAsBytes(Map.of("events", events));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Events always serialize", e);
        }
    }
}
