package dev.parley.console;

import dev.parley.error.ApiException;
import dev.parley.event.EventTypes;
import dev.parley.webhook.AttemptResult;
import dev.parley.webhook.TestDeliveries;
import dev.parley.webhook.WebhookEndpoint;
import dev.parley.webhook.WebhookService;
import dev.parley.webhook.WebhookStatus;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;

/** The console's webhooks: add, edit, test delivery, re-enable, rotate the secret, delete, and the delivery log. */
@Path("/console/webhooks")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class WebhookPagesResource {

    private final ConsolePages pages;
    private final WebhookService webhooks;
    private final TestDeliveries tests;

    public WebhookPagesResource(ConsolePages pages, WebhookService webhooks, TestDeliveries tests) {
        this.pages = pages;
        this.webhooks = webhooks;
        this.tests = tests;
    }

    @GET
    public TemplateInstance list(@QueryParam("error") String error, @QueryParam("field") String field) {
        return pages.page("webhooks", error, field).data("webhooks", pages.call(() -> webhooks.list(pages.accountId())));
    }

    @POST
    public Response add(@RestForm String csrf, @RestForm String name, @RestForm String url) {
        return pages.post(csrf, "/console/webhooks", () -> "/console/webhooks/" + pages.call(() -> webhooks.create(
                pages.accountId(), new WebhookService.Settings(blank(name), url, null, null, null, null))).id);
    }

    /** One endpoint: its settings form, its actions and its delivery log, refreshed live. */
    @GET
    @Path("{id}")
    public TemplateInstance webhook(@PathParam("id") String id, @QueryParam("error") String error,
                                    @QueryParam("field") String field) {
        return page(id, error, field);
    }

    /** Changes name, URL and events; no event ticked is the API's 400 on {@code events}, shown next to them. */
    @POST
    @Path("{id}")
    public Response edit(@PathParam("id") String id, @RestForm String csrf, @RestForm String name,
                         @RestForm String url, @RestForm("events") List<String> events) {
        String page = "/console/webhooks/" + id;
        return pages.post(csrf, page, () -> {
            pages.call(() -> webhooks.update(pages.accountId(), id, new WebhookService.Settings(blank(name), url,
                    events == null ? List.of() : events, null, null, null)));
            return page;
        });
    }

    /** Posts a test event now and shows how the endpoint answered; the request also joins the delivery log. */
    @POST
    @Path("{id}/test")
    public Response test(@PathParam("id") String id, @RestForm String csrf) {
        pages.checkCsrf(csrf);
        try {
            AttemptResult result = pages.call(() -> tests.send(pages.accountId(), id));
            return Response.ok(page(id, null, null).data("tested", result)).build();
        } catch (ApiException e) {
            return ConsolePages.failed("/console/webhooks/" + id, e);
        }
    }

    @POST
    @Path("{id}/enable")
    public Response enable(@PathParam("id") String id, @RestForm String csrf) {
        String page = "/console/webhooks/" + id;
        return pages.post(csrf, page, () -> {
            pages.call(() -> webhooks.enable(pages.accountId(), id));
            return page;
        });
    }

    /** Rotates the signing secret and shows the new one in this answer only: it is never shown again. */
    @POST
    @Path("{id}/secret")
    public Response rotateSecret(@PathParam("id") String id, @RestForm String csrf) {
        pages.checkCsrf(csrf);
        try {
            WebhookEndpoint rotated = pages.call(() -> webhooks.rotateSecret(pages.accountId(), id));
            return Response.ok(page(id, null, null).data("secret", rotated.secret)).build();
        } catch (ApiException e) {
            return ConsolePages.failed("/console/webhooks/" + id, e);
        }
    }

    @POST
    @Path("{id}/delete")
    public Response delete(@PathParam("id") String id, @RestForm String csrf) {
        return pages.post(csrf, "/console/webhooks", () -> {
            pages.call(() -> webhooks.delete(pages.accountId(), id));
            return "/console/webhooks";
        });
    }

    private TemplateInstance page(String id, String error, String field) {
        WebhookEndpoint webhook = pages.call(() -> webhooks.get(pages.accountId(), id));
        return pages.page("webhook", error, field).data("webhook", webhook)
                .data("events", EventTypes.ALL.stream()
                        .map(type -> new EventChoice(type, webhook.eventTypes().contains(type))).toList())
                .data("disabled", webhook.status == WebhookStatus.disabled)
                .data("deliveries", pages.call(() -> webhooks.logs(pages.accountId(), id)))
                .data("tested", null).data("secret", null);
    }

    /** An event type on the edit form, ticked when the endpoint receives it. */
    public record EventChoice(String type, boolean subscribed) {
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
