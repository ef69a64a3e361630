package dev.parley.operator;

import dev.parley.config.Roles;
import dev.parley.common.PhoneNumber;
import dev.parley.driver.LinkingCode;
import dev.parley.driver.Receipt;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.error.ApiException;
import jakarta.ws.rs.Consumes;
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

    /** An incoming message to inject: from a phone number, optionally in a group, optionally quoting a waId. */
    public record InjectIncoming(String from, String group, String text, String quote) {
    }

    /** A receipt to emit for a message the device sent. */
    public record InjectReceipt(String message, String status) {
    }

    /** What the sandbox network made of an injection. */
    public record Injected(String waId) {
    }

    @POST
    @Path("devices/{id}/incoming")
    @Consumes(MediaType.APPLICATION_JSON)
    public Injected incoming(@PathParam("id") String id, InjectIncoming body) {
        if (body == null || body.from() == null) {
            throw ApiException.invalid("from", "from is required");
        }
        String from = PhoneNumber.of(body.from(), "from").e164();
        if (body.text() == null || body.text().isBlank()) {
            throw ApiException.invalid("text", "text is required");
        }
        SandboxDriver sandbox = sandbox();
        if (!sandbox.hasSession(id)) {
            throw ApiException.notFound("Device session", "id");
        }
        return new Injected(sandbox.injectIncoming(id, from, body.group(), body.text(), body.quote()));
    }

    @POST
    @Path("devices/{id}/receipts")
    @Consumes(MediaType.APPLICATION_JSON)
    public Injected receipt(@PathParam("id") String id, InjectReceipt body) {
        if (body == null || body.message() == null) {
            throw ApiException.invalid("message", "message (the id of a sent message) is required");
        }
        Receipt receipt;
        try {
            receipt = Receipt.valueOf(body.status() == null ? "read" : body.status());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("status", "status must be delivered or read");
        }
        SandboxDriver sandbox = sandbox();
        String waId = sandbox.waIdOf(id, body.message());
        if (waId == null) {
            throw ApiException.notFound("Sent message", "message");
        }
        sandbox.receipt(id, waId, receipt);
        return new Injected(waId);
    }

    /** The code an unlinked sandbox device offers: what its owner would scan with the phone. */
    public record LinkingView(String device, String kind, String code, java.time.Instant expiresAt) {
    }

    @GET
    @Path("devices/{id}/linking")
    public LinkingView linking(@PathParam("id") String id) {
        LinkingCode code = sandbox().linkingCode(id);
        if (code == null) {
            throw ApiException.notFound("Linking code", "id");
        }
        return new LinkingView(id, code.kind().name(), code.value(), code.expiresAt());
    }

    /** Scans the code the device offers, as its owner's phone would: the device is linked and comes online. */
    @POST
    @Path("devices/{id}/scan")
    public SandboxDeviceView scan(@PathParam("id") String id) {
        SandboxDriver sandbox = sandbox();
        LinkingCode code = sandbox.linkingCode(id);
        if (code == null || !sandbox.scan(id, code.value())) {
            throw ApiException.notFound("Linking code", "id");
        }
        return new SandboxDeviceView(id, sandbox.isOnline(id));
    }

    /** Ends the device's link, as removing it from the phone's linked devices would. */
    @POST
    @Path("devices/{id}/logout")
    public SandboxDeviceView logout(@PathParam("id") String id) {
        sandbox().logOut(id);
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
