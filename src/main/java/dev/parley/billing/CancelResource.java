package dev.parley.billing;

import dev.parley.account.Caller;
import dev.parley.common.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Cancelling a paid device at the end of its period (billing on); DELETE /v1/devices/{id} ends it at once. */
@Path("/v1/devices/{id}/cancel")
@Produces(MediaType.APPLICATION_JSON)
public class CancelResource {

    private final Cancellations cancellations;
    private final Caller caller;

    public CancelResource(Cancellations cancellations, Caller caller) {
        this.cancellations = cancellations;
        this.caller = caller;
    }

    // Not @Blocking: the token filter must run on the event loop; the Stripe call goes to a worker through offLoop.
    @POST
    public Uni<Cancellations.Cancellation> cancel(@PathParam("id") String id) {
        String account = caller.accountId();
        return Blocking.offLoop(() -> cancellations.cancel(account, id));
    }
}
