package dev.parley.inbound;

import dev.parley.account.Caller;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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
        int limit = parseSize(size);
        Instant until = parseBefore(before);
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

    private static int parseSize(String size) {
        int n;
        try {
            n = size == null || size.isBlank() ? 50 : Integer.parseInt(size.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 500) {
            throw ApiException.invalid("size", "size must be between 1 and 500");
        }
        return n;
    }

    private static Instant parseBefore(String before) {
        if (before == null || before.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(before.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("before", "before must be an ISO-8601 date-time with offset");
        }
    }
}
