package dev.parley.operator;

import dev.parley.config.Roles;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.error.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * Operator controls of the simulated network, so the whole loop can be driven by curl. Available only
 * where this process runs the connector with the sandbox driver (make run, tests).
 */
@Path("/v1/operator/sandbox")
@Produces(MediaType.APPLICATION_JSON)
public class SandboxResource {

    private final WhatsAppDriver driver;
    private final Roles roles;

    public SandboxResource(WhatsAppDriver driver, Roles roles) {
        this.driver = driver;
        this.roles = roles;
    }

    /** A device's reachability in the simulated network. */
    public record SandboxDeviceView(String device, boolean online) {
    }

    @POST
    @Path("devices/{id}/online")
    public SandboxDeviceView online(@PathParam("id") String id) {
        sandbox().setOnline(id, true);
        return new SandboxDeviceView(id, sandbox().isOnline(id));
    }

    @POST
    @Path("devices/{id}/offline")
    public SandboxDeviceView offline(@PathParam("id") String id) {
        sandbox().setOnline(id, false);
        return new SandboxDeviceView(id, false);
    }

    @GET
    @Path("devices/{id}/sent")
    public List<SandboxDriver.SentMessage> sent(@PathParam("id") String id) {
        return sandbox().sent(id);
    }

    private SandboxDriver sandbox() {
        if (!roles.connector() || !(driver instanceof SandboxDriver sandbox)) {
            throw ApiException.conflict("The sandbox controls need the connector role with the sandbox driver in this process", null);
        }
        return sandbox;
    }
}
