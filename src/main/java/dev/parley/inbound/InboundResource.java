package dev.parley.inbound;

import dev.parley.account.Caller;
import dev.parley.common.QueryParams;
import dev.parley.device.DeviceService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** A device's incoming messages, chats and usage counters. */
@Path("/v1/devices/{device}")
@Produces(MediaType.APPLICATION_JSON)
public class InboundResource {

    private final InboundStore store;
    private final DeviceService devices;
    private final Caller caller;
    private final Clock clock;

    public InboundResource(InboundStore store, DeviceService devices, Caller caller, Clock clock) {
        this.store = store;
        this.devices = devices;
        this.caller = caller;
        this.clock = clock;
    }

    /** Newest first; {@code before} (ISO-8601) pages back in time. */
    @GET
    @Path("messages")
    public Uni<List<InboundMessage>> messages(@PathParam("device") String device, @QueryParam("chat") String chat,
                                              @QueryParam("before") String before, @QueryParam("size") String size) {
        int limit = QueryParams.size(size, 50, 500);
        Instant until = QueryParams.instant(before, "before");
        String chatFilter = chat == null || chat.isBlank() ? null : chat.trim();
        return devices.get(caller.accountId(), device)
                .flatMap(d -> store.list(d.id, chatFilter, until, limit));
    }

    @GET
    @Path("chats")
    public Uni<List<Chat>> chats(@PathParam("device") String device) {
        return devices.get(caller.accountId(), device).flatMap(d -> store.chats(d.id));
    }

    /** This month's counters; {@code inboundHidden} counts messages received on a plan without incoming. */
    @GET
    @Path("usage")
    public Uni<InboundStore.Usage> usage(@PathParam("device") String device) {
        return devices.get(caller.accountId(), device).flatMap(d -> store.usage(d.id, clock.instant()));
    }
}
