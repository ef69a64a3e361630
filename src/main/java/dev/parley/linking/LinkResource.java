package dev.parley.linking;

import dev.parley.account.Caller;
import dev.parley.common.PhoneNumber;
import dev.parley.device.DeviceService;
import dev.parley.device.DeviceStatus;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/**
 * Linking a device to a phone: start linking, read the QR code it offers (text or PNG), ask for a pairing code,
 * log it out. Whatever needs the device's session goes to the connector holding it as a command (ADR 0012).
 */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
public class LinkResource {

    static final String PNG = "image/png";

    private final DeviceService devices;
    private final DeviceCommands commands;
    private final DeviceCommandStore store;
    private final Caller caller;
    private final Clock clock;

    public LinkResource(DeviceService devices, DeviceCommands commands, DeviceCommandStore store, Caller caller,
                        Clock clock) {
        this.devices = devices;
        this.commands = commands;
        this.store = store;
        this.caller = caller;
        this.clock = clock;
    }

    /** A device's state after a linking request. */
    public record LinkView(String device, DeviceStatus status) {
    }

    /** The QR code a device offers: its text (to render whole), the same as a PNG (base64), and its expiry. */
    public record QrView(String device, String qr, String png, Instant expiresAt) {
    }

    /** Body of a pairing-code request: the phone number (E.164) of the WhatsApp account to link. */
    public record PairingRequest(String phone) {
    }

    /** An eight-character code to enter on the phone (WhatsApp, Linked devices, Link with phone number). */
    public record PairingView(String device, String code, Instant expiresAt) {
    }

    /** Starts linking: the device's session starts again and offers codes ({@code GET qr}, or a pairing code). */
    @POST
    @Path("{id}/link")
    @ResponseStatus(202)
    public Uni<LinkView> link(@PathParam("id") String id) {
        return devices.get(caller.accountId(), id).flatMap(device -> {
            if (device.status == DeviceStatus.online) {
                throw new ApiException(409, "already-linked", "The device is linked and online; log it out first to "
                        + "link another phone", "id");
            }
            return commands.run(device, DeviceCommand.Op.link, Map.of(), "id")
                    .map(answer -> new LinkView(device.id, device.status));
        });
    }

    /**
     * The QR code the device offers now; it rotates (about every 20 s), so read it again after {@code expiresAt}.
     * A PNG with {@code Accept: image/png} or {@code ?format=png}.
     */
    @GET
    @Path("{id}/qr")
    @Produces({MediaType.APPLICATION_JSON, PNG})
    public Uni<Response> qr(@PathParam("id") String id, @QueryParam("format") String format,
                            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        boolean png = wantsPng(format, accept);
        return devices.get(caller.accountId(), id).flatMap(device -> store.offered(device.id).map(code -> {
            if (device.status == DeviceStatus.online) {
                throw new ApiException(409, "already-linked", "The device is linked and online: there is no QR code", "id");
            }
            if (code == null || !"qr".equals(code.kind()) || !code.expiresAt().isAfter(clock.instant())) {
                throw new ApiException(404, "no-qr", "The device offers no QR code now; start linking with POST "
                        + "/v1/devices/" + device.id + "/link, then read it again", "id");
            }
            byte[] image = QrPng.render(code.value());
            Response.ResponseBuilder answer = png
                    ? Response.ok(image, PNG)
                    : Response.ok(new QrView(device.id, code.value(), Base64.getEncoder().encodeToString(image),
                            code.expiresAt()), MediaType.APPLICATION_JSON);
            return answer.header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .header(HttpHeaders.EXPIRES, DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            code.expiresAt().atOffset(ZoneOffset.UTC)))
                    .build();
        }));
    }

    /** Asks WhatsApp for a pairing code for the phone number; the device must be linking (not linked). */
    @POST
    @Path("{id}/pairing-code")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<PairingView> pairingCode(@PathParam("id") String id, PairingRequest body) {
        if (body == null || body.phone() == null) {
            throw ApiException.invalid("phone", "phone (E.164, the number of the WhatsApp account to link) is required");
        }
        String phone = PhoneNumber.of(body.phone(), "phone").e164();
        return devices.get(caller.accountId(), id).flatMap(device -> commands
                .run(device, DeviceCommand.Op.pairingCode, Map.of("phone", phone), "phone")
                .map(answer -> new PairingView(device.id, answer.path("code").asText(),
                        Instant.parse(answer.path("expiresAt").asText()))));
    }

    /** Unlinks the device at WhatsApp and forgets its session keys; linking it again shows a new QR code. */
    @POST
    @Path("{id}/logout")
    public Uni<LinkView> logout(@PathParam("id") String id) {
        return devices.get(caller.accountId(), id).flatMap(device -> commands
                .run(device, DeviceCommand.Op.logout, Map.of(), "id")
                .map(answer -> new LinkView(device.id, DeviceStatus.logged_out)));
    }

    private static boolean wantsPng(String format, String accept) {
        if (format != null) {
            if ("png".equalsIgnoreCase(format)) {
                return true;
            }
            if (!"json".equalsIgnoreCase(format)) {
                throw ApiException.invalid("format", "format must be json or png");
            }
            return false;
        }
        return accept != null && accept.contains(PNG) && !accept.contains(MediaType.APPLICATION_JSON);
    }
}
