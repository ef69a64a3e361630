package dev.parley.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.account.Caller;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.time.Instant;
import java.util.List;

/** The caller's webhook endpoints and their delivery logs. */
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final WebhookService webhooks;
    private final TestDeliveries tests;
    private final Caller caller;

    public WebhookResource(WebhookService webhooks, TestDeliveries tests, Caller caller) {
        this.webhooks = webhooks;
        this.tests = tests;
        this.caller = caller;
    }

    /** Body of a webhook creation; only {@code url} is required. */
    public record CreateWebhook(String name, String url, List<String> events, String device, Integer batchSize) {
    }

    /** Body of a webhook change; absent fields stay as they are, {@code device: ""} removes the filter. */
    public record UpdateWebhook(String name, String url, List<String> events, String device, Integer batchSize,
                                WebhookStatus status) {
    }

    /** A webhook endpoint as the API shows it; {@code secret} is present only in the answer that created it. */
    public record WebhookView(String id, String name, String url, List<String> events, String device,
                              WebhookStatus status, int batchSize, int consecutiveFailures, Instant lastSuccessAt,
                              Instant lastFailureAt, Instant disabledAt, Instant createdAt, Instant updatedAt,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

        public static WebhookView of(WebhookEndpoint e) {
            return new WebhookView(e.id, e.name, e.url, List.copyOf(e.eventTypes()), e.deviceId, e.status, e.batchSize,
                    e.consecutiveFailures, e.lastSuccessAt, e.lastFailureAt, e.disabledAt, e.createdAt, e.updatedAt,
                    null);
        }

        public static WebhookView created(WebhookEndpoint e) {
            WebhookView v = of(e);
            return new WebhookView(v.id, v.name, v.url, v.events, v.device, v.status, v.batchSize,
                    v.consecutiveFailures, v.lastSuccessAt, v.lastFailureAt, v.disabledAt, v.createdAt, v.updatedAt,
                    e.secret);
        }
    }

    /** One request of the delivery log. */
    public record DeliveryView(String id, Instant attemptedAt, boolean success, Integer statusCode, int latencyMs,
                               List<String> events, String error) {

        public static DeliveryView of(WebhookDelivery d) {
            return new DeliveryView(d.id, d.attemptedAt, d.success, d.statusCode, d.latencyMs, d.eventIdList(), d.error);
        }
    }

    @POST
    @ResponseStatus(201)
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<WebhookView> create(CreateWebhook body) {
        if (body == null) {
            throw ApiException.invalid("url", "url is required");
        }
        return webhooks.create(caller.accountId(), new WebhookService.Settings(body.name(), body.url(), body.events(),
                body.device(), body.batchSize(), null)).map(WebhookView::created);
    }

    @GET
    public Uni<List<WebhookView>> list() {
        return webhooks.list(caller.accountId()).map(list -> list.stream().map(WebhookView::of).toList());
    }

    @GET
    @Path("{id}")
    public Uni<WebhookView> get(@PathParam("id") String id) {
        return webhooks.get(caller.accountId(), id).map(WebhookView::of);
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<WebhookView> update(@PathParam("id") String id, UpdateWebhook body) {
        if (body == null) {
            throw ApiException.invalid("url", "send the fields to change");
        }
        return webhooks.update(caller.accountId(), id, new WebhookService.Settings(body.name(), body.url(),
                body.events(), body.device(), body.batchSize(), body.status())).map(WebhookView::of);
    }

    @DELETE
    @Path("{id}")
    public Uni<Void> delete(@PathParam("id") String id) {
        return webhooks.delete(caller.accountId(), id);
    }

    /** Re-activates a disabled endpoint and clears its failure count; waiting events are delivered in order. */
    @POST
    @Path("{id}/enable")
    public Uni<WebhookView> enable(@PathParam("id") String id) {
        return webhooks.enable(caller.accountId(), id).map(WebhookView::of);
    }

    /** A fresh signing secret, in this answer only; the old secret stops signing at once. */
    @POST
    @Path("{id}/secret")
    public Uni<WebhookView> rotateSecret(@PathParam("id") String id) {
        return webhooks.rotateSecret(caller.accountId(), id).map(WebhookView::created);
    }

    /** How one test request went: {@code delivered}, the endpoint's status code, the time it took, the error. */
    public record TestView(boolean delivered, Integer statusCode, long latencyMs, String error) {
    }

    /** Posts one signed {@code webhook:test} event to the endpoint now, and answers how it went. */
    @POST
    @Path("{id}/test")
    public Uni<TestView> test(@PathParam("id") String id) {
        return tests.send(caller.accountId(), id).map(result -> new TestView(result.delivered(), result.statusCode(),
                result.latencyMillis(), result.error()));
    }

    /** Recent delivery requests of the endpoint, newest first. */
    @GET
    @Path("{id}/logs")
    public Uni<List<DeliveryView>> logs(@PathParam("id") String id) {
        return webhooks.logs(caller.accountId(), id).map(list -> list.stream().map(DeliveryView::of).toList());
    }
}
