package dev.parley.message;

import dev.parley.account.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Sending outbound messages and reading them back. */
@Path("/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MessageResource {

    private final MessageService messages;
    private final Caller caller;

    public MessageResource(MessageService messages, Caller caller) {
        this.messages = messages;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    public Uni<MessageView> send(SendMessageRequest request) {
        return messages.send(caller.accountId(), request).map(MessageView::of);
    }

    @GET
    @Path("{id}")
    public Uni<MessageView> get(@PathParam("id") String id) {
        return messages.get(caller.accountId(), id).map(MessageView::of);
    }

    /** Newest first; {@code cursor} is the {@code next} of the previous page. */
    @GET
    public Uni<MessagePage> list(@QueryParam("status") String status, @QueryParam("device") String device,
                                 @QueryParam("size") String size, @QueryParam("cursor") String cursor) {
        return messages.list(caller.accountId(), status, device, size, cursor);
    }
}
