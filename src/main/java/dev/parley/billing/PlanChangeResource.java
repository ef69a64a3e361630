package dev.parley.billing;

import dev.parley.account.Caller;
import dev.parley.common.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Previewing and making a paid device's plan change (billing on). */
@Path("/v1/devices/{id}/plan-change")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PlanChangeResource {

    /** Body of a plan change. */
    public record PlanChangeRequest(String plan) {
    }

    private final PlanChanges changes;
    private final Caller caller;

    public PlanChangeResource(PlanChanges changes, Caller caller) {
        this.changes = changes;
        this.caller = caller;
    }

    // Not @Blocking: the token filter must run on the event loop; the Stripe calls go to a worker through offLoop.

    /** What the change would invoice now (Stripe's invoice preview) and whether it is allowed yet. */
    @GET
    public Uni<PlanChanges.Outcome> preview(@PathParam("id") String id, @QueryParam("plan") String plan) {
        String account = caller.accountId();
        return Blocking.offLoop(() -> changes.preview(account, id, plan));
    }

    @POST
    public Uni<PlanChanges.Outcome> change(@PathParam("id") String id, PlanChangeRequest body) {
        String account = caller.accountId();
        return Blocking.offLoop(() -> changes.change(account, id, body == null ? null : body.plan()));
    }
}
