package dev.parley.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.account.Caller;
import dev.parley.common.Cursors;
import dev.parley.common.Ids;
import dev.parley.common.QueryParams;
import dev.parley.config.ParleyConfig;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;

/** The caller's WhatsApp devices. */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final DeviceService devices;
    private final Caller caller;
    private final ParleyConfig config;
    private final DevicePurchases purchases;

    public DeviceResource(DeviceService devices, Caller caller, ParleyConfig config, DevicePurchases purchases) {
        this.purchases = purchases;
        this.devices = devices;
        this.caller = caller;
        this.config = config;
    }

    /** Body of a device creation. */
    public record CreateDevice(String name, String phone, String plan) {
    }

    /** Body of a device change; absent fields stay as they are. */
    public record UpdateDevice(String name, String plan) {
    }

    /** A device as the API shows it; the billing fields only when billing is on. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceView(String id, String name, String phone, String plan, DeviceStatus status,
                             Instant statusAt, Instant createdAt, BillingStatus billingStatus, String checkoutUrl,
                             Instant periodEnd) {
        public static DeviceView of(Device d) {
            return new DeviceView(d.id, d.name, d.phone, d.plan, d.status, d.statusAt, d.createdAt, d.billingStatus,
                    d.billingStatus == BillingStatus.pending_payment ? d.checkoutUrl : null, d.periodEnd);
        }
    }

    @POST
    @ResponseStatus(201)
    public Uni<DeviceView> create(CreateDevice body) {
        if (body == null) {
            throw ApiException.invalid("name", "name is required");
        }
        return devices.create(caller.accountId(), body.name(), body.phone(), body.plan())
                .flatMap(device -> device.billingStatus == null ? Uni.createFrom().item(device) : purchases.startPurchase(device))
                .map(DeviceView::of);
    }

    /** One page of devices; pass {@code next} as {@code cursor} to get the following page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DevicePage(List<DeviceView> data, String next) {
    }

    /** Oldest first; {@code cursor} is the {@code next} of the previous page. */
    @GET
    public Uni<DevicePage> list(@QueryParam("size") String size, @QueryParam("cursor") String cursor) {
        int pageSize = QueryParams.size(size, config.api().defaultPageSize(), config.api().maxPageSize());
        String[] after = Cursors.decode(cursor, 2, "cursor");
        Instant afterCreatedAt = null;
        if (after != null) {
            try {
                afterCreatedAt = Instant.parse(after[0]);
            } catch (DateTimeException e) {
                throw Cursors.malformed("cursor");
            }
            if (!Ids.isId(after[1])) {
                throw Cursors.malformed("cursor");
            }
        }
        if (caller.access().deviceLimited()) {
            // A limited token sees few devices (at most 100): one page of them, whatever the size asked.
            return devices.list(caller.access()).map(all -> new DevicePage(all.stream().map(DeviceView::of).toList(), null));
        }
        return devices.page(caller.accountId(), afterCreatedAt, after == null ? null : after[1], pageSize)
                .map(page -> new DevicePage(page.devices().stream().map(DeviceView::of).toList(),
                        page.more() ? Cursors.encode(page.last().createdAt.toString(), page.last().id) : null));
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
        String account = caller.accountId();
        return devices.get(account, id)
                .flatMap(device -> device.billingStatus == null ? Uni.createFrom().voidItem() : purchases.endPurchase(device))
                .flatMap(ended -> devices.delete(account, id));
    }
}
