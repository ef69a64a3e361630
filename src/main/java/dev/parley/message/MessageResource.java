package dev.parley.message;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.account.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Sending outbound messages, removing waiting ones, and reading them back. */
@Path("/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MessageResource {

    private final MessageService messages;
    private final MessageListing listing;
    private final BulkService bulk;
    private final Caller caller;

    public MessageResource(MessageService messages, MessageListing listing, BulkService bulk, Caller caller) {
        this.messages = messages;
        this.listing = listing;
        this.bulk = bulk;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    public Uni<MessageView> send(SendMessageRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return messages.send(caller.access(), request, idempotencyKey).map(MessageView::of);
    }

    /**
     * Up to 500 messages, each validated and stored on its own; the answer lists each one's id or error, in order.
     * With {@code Idempotency-Key} a retry answers the same messages.
     */
    @POST
    @Path("bulk")
    public Uni<BulkService.BulkResult> sendBulk(JsonNode body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return bulk.send(caller.access(), body, idempotencyKey);
    }

    @GET
    @Path("{id}")
    public Uni<MessageView> get(@PathParam("id") String id) {
        return messages.get(caller.access(), id).map(MessageView::of);
    }

    /** Removes a message that has not started sending; it will never be sent. */
    @DELETE
    @Path("{id}")
    public Uni<MessageView> remove(@PathParam("id") String id) {
        return messages.remove(caller.access(), id).map(MessageView::of);
    }

    /** Newest first; {@code cursor} is the {@code next} of the previous page. */
    @GET
    public Uni<MessagePage> list(@QueryParam("status") String status, @QueryParam("priority") String priority,
                                 @QueryParam("phone") String phone, @QueryParam("group") String group,
                                 @QueryParam("reference") String reference, @QueryParam("device") String device,
                                 @QueryParam("createdAfter") String createdAfter,
                                 @QueryParam("createdBefore") String createdBefore,
                                 @QueryParam("size") String size, @QueryParam("cursor") String cursor) {
        return listing.list(caller.access(), new MessageListing.ListQuery(status, priority, phone, group,
                reference, device, createdAfter, createdBefore, size, cursor));
    }
}
