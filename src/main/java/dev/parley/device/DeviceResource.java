package dev.parley.device;

import dev.parley.account.Caller;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.time.Instant;
import java.util.List;

/** The caller's WhatsApp devices. */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final DeviceService devices;
    private final Caller caller;

    public DeviceResource(DeviceService devices, Caller caller) {
        this.devices = devices;
        this.caller = caller;
    }

    /** Body of a device creation. */
    public record CreateDevice(String name, String phone, String plan) {
    }

    /** Body of a device change; absent fields stay as they are. */
    public record UpdateDevice(String name, String plan) {
    }

    /** A device as the API shows it. */
    public record DeviceView(String id, String name, String phone, String plan, DeviceStatus status,
                             Instant statusAt, Instant createdAt) {
        public static DeviceView of(Device d) {
            return new DeviceView(d.id, d.name, d.phone, d.plan, d.status, d.statusAt, d.createdAt);
        }
    }

    @POST
    @ResponseStatus(201)
    public Uni<DeviceView> create(CreateDevice body) {
        if (body == null) {
            throw ApiException.invalid("name", "name is required");
        }
        return devices.create(caller.accountId(), body.name(), body.phone(), body.plan()).map(DeviceView::of);
    }

    @GET
    public Uni<List<DeviceView>> list() {
        return devices.list(caller.accountId()).map(list -> list.stream().map(DeviceView::of).toList());
    }

    @GET
    @Path("{id}")
    public Uni<DeviceView> get(@PathParam("id") String id) {
        return devices.get(caller.accountId(), id).map(DeviceView::of);
    }

    @PATCH
    @Path("{id}")
    public Uni<DeviceView> update(@PathParam("id") String id, UpdateDevice body) {
        if (body == null) {
            throw ApiException.invalid("plan", "send name and/or plan");
        }
        return devices.update(caller.accountId(), id, body.name(), body.plan()).map(DeviceView::of);
    }

    @DELETE
    @Path("{id}")
    public Uni<Void> delete(@PathParam("id") String id) {
        return devices.delete(caller.accountId(), id);
    }
}
