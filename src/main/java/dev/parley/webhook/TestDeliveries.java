package dev.parley.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.common.Blocking;
import dev.parley.common.Ids;
import dev.parley.event.Event;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Sends an endpoint one signed {@code webhook:test} event when its owner asks, so they can check their receiver
 * (address, signature check, answer) without waiting for traffic. Active or disabled alike; the request is not
 * retried, changes nothing of the endpoint's delivery state and appears in its delivery log.
 */
@ApplicationScoped
public class TestDeliveries {

    /** The type of a test event; never in the outbox, so no subscription is needed to receive it. */
    public static final String TYPE = "webhook:test";

    private final WebhookService webhooks;
    private final BatchPoster poster;
    private final ObjectMapper json;
    private final Clock clock;

    TestDeliveries(WebhookService webhooks, BatchPoster poster, ObjectMapper json, Clock clock) {
        this.webhooks = webhooks;
        this.poster = poster;
        this.json = json;
        this.clock = clock;
    }

    /** Posts the test event (on a worker thread: the request blocks) and answers how the endpoint took it. */
    public Uni<AttemptResult> send(String accountId, String id) {
        return webhooks.get(accountId, id).flatMap(endpoint -> Blocking.offLoop(() -> {
            Instant now = clock.instant();
            ObjectNode data = json.createObjectNode().put("webhook", endpoint.id)
                    .put("text", "A test delivery from Parley: your endpoint received and can verify this request.");
            Event event = new Event(Ids.newId(now), TYPE, now, accountId, null, data);
            return poster.postOnce(ClaimedEndpoint.of(endpoint), List.of(event));
        }));
    }
}
