package dev.parley.billing;

import dev.parley.common.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Operator-only (the Operator-Key header, like every /v1/operator path): granting an account's device for free,
 * and revoking the grant (billing on).
 */
@Path("/v1/operator/billing/accounts/{account}/devices/{device}/grant")
@Produces(MediaType.APPLICATION_JSON)
public class OperatorGrantResource {

    /** Body of a grant: the plan the device gets, and the operator's reason (optional, at most 200 characters). */
    public record GrantRequest(String plan, String note) {
    }

    private final Grants grants;

    public OperatorGrantResource(Grants grants) {
        this.grants = grants;
    }

    // Not @Blocking: the key filter runs on the event loop; database and Stripe calls go to a worker through offLoop.

    @GET
    public Uni<Grants.GrantView> get(@PathParam("account") String account, @PathParam("device") String device) {
        return Blocking.offLoop(() -> grants.get(account, device));
    }

    /** Grants the device (usable at once), or changes a granted device's plan. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Grants.GrantView> grant(@PathParam("account") String account, @PathParam("device") String device,
                                       GrantRequest body) {
        return Blocking.offLoop(() -> grants.grant(account, device, body == null ? null : body.plan(),
                body == null ? null : body.note()));
    }

    /** Revokes the grant: the device is pending payment, with the checkout URL where its owner buys it. */
    @DELETE
    public Uni<Grants.GrantView> revoke(@PathParam("account") String account, @PathParam("device") String device) {
        return Blocking.offLoop(() -> grants.revoke(account, device));
    }
}
