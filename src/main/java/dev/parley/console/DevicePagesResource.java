package dev.parley.console;

import dev.parley.common.PhoneNumber;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.device.DeviceStatus;
import dev.parley.linking.DeviceCommand;
import dev.parley.linking.DeviceCommandStore;
import dev.parley.linking.DeviceCommands;
import dev.parley.linking.QrPng;
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

import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The console's overview and devices: add, rename, change plan, link by QR, log out, delete. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class DevicePagesResource {

    private final ConsolePages pages;
    private final DeviceService devices;
    private final DeviceCommands commands;
    private final DeviceCommandStore codes;
    private final Clock clock;
    private final OverviewFigures figures;

    public DevicePagesResource(ConsolePages pages, DeviceService devices, DeviceCommands commands,
                               DeviceCommandStore codes, Clock clock, OverviewFigures figures) {
        this.figures = figures;
        this.pages = pages;
        this.devices = devices;
        this.commands = commands;
        this.codes = codes;
        this.clock = clock;
    }

    @GET
    public TemplateInstance overview() {
        return pages.page("overview", null, null).data("devices", figures.of(pages.access(), mine()));
    }

    @GET
    @Path("devices")
    public TemplateInstance list(@QueryParam("error") String error, @QueryParam("field") String field) {
        return pages.page("devices", error, field).data("devices", mine())
                .data("plans", pages.call(devices::plans).keySet().stream().sorted().toList());
    }

    @POST
    @Path("devices")
    public Response add(@RestForm String csrf, @RestForm String name, @RestForm String phone, @RestForm String plan) {
        return pages.post(csrf, "/console/devices", () ->
                "/console/devices/" + pages.call(() -> devices.create(pages.accountId(), name, phone, plan)).id);
    }

    /** One device: its status, and while it is not linked, the QR code it offers now (refreshed live). */
    @GET
    @Path("devices/{id}")
    public TemplateInstance device(@PathParam("id") String id, @QueryParam("error") String error,
                                   @QueryParam("field") String field) {
        Device device = pages.call(() -> devices.get(pages.access(), id));
        DeviceCommandStore.OfferedCode code = device.status == DeviceStatus.online ? null
                : pages.call(() -> codes.offered(device.id));
        boolean live = code != null && code.expiresAt().isAfter(clock.instant());
        boolean qr = live && "qr".equals(code.kind());
        return pages.page("device", error, field).data("device", device)
                .data("plans", pages.call(devices::plans).keySet().stream().sorted().toList())
                .data("qrVersion", qr ? Integer.toHexString(code.value().hashCode()) : null)
                .data("pairingCode", live && "pairing".equals(code.kind()) ? code.value() : null);
    }

    @GET
    @Path("devices/{id}/qr.png")
    @Produces("image/png")
    public Response qr(@PathParam("id") String id) {
        Device device = pages.call(() -> devices.get(pages.access(), id));
        DeviceCommandStore.OfferedCode code = pages.call(() -> codes.offered(device.id));
        if (code == null || !"qr".equals(code.kind())) {
            return Response.status(404).build();
        }
        return Response.ok(QrPng.render(code.value()), "image/png").header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("devices/{id}/rename")
    public Response rename(@PathParam("id") String id, @RestForm String csrf, @RestForm String name) {
        String page = "/console/devices/" + id;
        return pages.post(csrf, page, () -> {
            pages.call(() -> devices.update(pages.accountId(), id, name, null));
            return page;
        });
    }

    /** A plan change as the API's PATCH makes it: free with billing off; with billing on, through the billing page. */
    @POST
    @Path("devices/{id}/plan")
    public Response plan(@PathParam("id") String id, @RestForm String csrf, @RestForm String plan) {
        String page = "/console/devices/" + id;
        return pages.post(csrf, page, () -> {
            pages.call(() -> devices.update(pages.accountId(), id, null, plan == null || plan.isBlank() ? "" : plan));
            return page;
        });
    }

    @POST
    @Path("devices/{id}/link")
    public Response link(@PathParam("id") String id, @RestForm String csrf) {
        return command(id, csrf, DeviceCommand.Op.link);
    }

    /** Asks for a pairing code for the phone number; the device page then shows it (the owner types it in). */
    @POST
    @Path("devices/{id}/pairing-code")
    public Response pairingCode(@PathParam("id") String id, @RestForm String csrf, @RestForm String phone) {
        String page = "/console/devices/" + id;
        return pages.post(csrf, page, () -> {
            String e164 = PhoneNumber.of(phone, "pairing-phone").e164();
            Device device = pages.call(() -> devices.get(pages.access(), id));
            pages.call(() -> commands.run(device, DeviceCommand.Op.pairingCode, Map.of("phone", e164), "pairing-phone"));
            return page;
        });
    }

    @POST
    @Path("devices/{id}/logout")
    public Response logout(@PathParam("id") String id, @RestForm String csrf) {
        return command(id, csrf, DeviceCommand.Op.logout);
    }

    @POST
    @Path("devices/{id}/delete")
    public Response delete(@PathParam("id") String id, @RestForm String csrf) {
        return pages.post(csrf, "/console/devices/" + id, () -> {
            pages.call(() -> devices.delete(pages.accountId(), id));
            return "/console/devices";
        });
    }

    private Response command(String id, String csrf, DeviceCommand.Op op) {
        String page = "/console/devices/" + id;
        return pages.post(csrf, page, () -> {
            Device device = pages.call(() -> devices.get(pages.access(), id));
            pages.call(() -> commands.run(device, op, Map.of(), "id"));
            return page;
        });
    }

    private List<Device> mine() {
        return pages.call(() -> devices.list(pages.access()));
    }
}
