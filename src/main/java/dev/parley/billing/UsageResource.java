package dev.parley.billing;

import dev.parley.account.Caller;
import dev.parley.device.DeviceService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** A device's usage this month (UTC): its counters and, with billing on, included, used and overage. */
@Path("/v1/devices/{device}/usage")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    private final DeviceUsage usage;
    private final DeviceService devices;
    private final Caller caller;
    private final Clock clock;

    public UsageResource(DeviceUsage usage, DeviceService devices, Caller caller, Clock clock) {
        this.usage = usage;
        this.devices = devices;
        this.caller = caller;
        this.clock = clock;
    }

    /** {@code inboundHidden} counts messages received on a plan without incoming. */
    @GET
    public Uni<DeviceUsage.View> usage(@PathParam("device") String device) {
        YearMonth month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        return devices.get(caller.accountId(), device).flatMap(d -> usage.of(d, month));
    }
}
