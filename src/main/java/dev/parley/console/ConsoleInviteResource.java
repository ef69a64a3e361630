package dev.parley.console;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;

/**
 * The operator invites an account's owner (its email) to the console: a one-time link with which the owner signs in
 * and chooses a password, 7 days by default. Authorized by the Operator-Key header like every /v1/operator path.
 */
@Path("/v1/operator/accounts/{id}/invite")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ConsoleInviteResource {

    /** What an invitation answers: the account, and until when its link works. */
    public record Invitation(String account, Instant expiresAt) {
    }

    private final ConsoleLinks links;
    private final ConsolePages pages;

    public ConsoleInviteResource(ConsoleLinks links, ConsolePages pages) {
        this.links = links;
        this.pages = pages;
    }

    @POST
    public Invitation invite(@PathParam("id") String id) {
        return new Invitation(id, pages.call(() -> links.invite(id)));
    }
}
