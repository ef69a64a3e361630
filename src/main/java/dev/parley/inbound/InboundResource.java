package dev.parley.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.account.Caller;
import dev.parley.common.Cursors;
import dev.parley.common.QueryParams;
import dev.parley.device.DeviceService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** A device's incoming messages and chats (its usage counters are served by billing's UsageResource). */
@Path("/v1/devices/{device}")
@Produces(MediaType.APPLICATION_JSON)
public class InboundResource {

    private final InboundStore store;
    private final DeviceService devices;
    private final Caller caller;

    public InboundResource(InboundStore store, DeviceService devices, Caller caller) {
        this.store = store;
        this.devices = devices;
        this.caller = caller;
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

    /** One page of chats; pass {@code next} as {@code cursor} to get the following page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatPage(List<Chat> data, String next) {
    }

    /** Most recent first; {@code cursor} is the {@code next} of the previous page. */
    @GET
    @Path("chats")
    public Uni<ChatPage> chats(@PathParam("device") String device, @QueryParam("size") String size,
                               @QueryParam("cursor") String cursor) {
        int limit = QueryParams.size(size, 50, 500);
        String[] after = Cursors.decode(cursor, 2, "cursor");
        Instant afterAt;
        try {
            afterAt = after == null ? null : Instant.parse(after[0]);
        } catch (DateTimeException e) {
            throw Cursors.malformed("cursor");
        }
        // The store answers a device's chats in one read; paging happens here, on a total order.
        Comparator<Chat> order = Comparator.comparing(Chat::lastMessageAt).reversed().thenComparing(Chat::chat);
        return devices.get(caller.accountId(), device).flatMap(d -> store.chats(d.id)).map(all -> {
            List<Chat> rest = all.stream().sorted(order)
                    .filter(c -> afterAt == null || order.compare(c, new Chat(after[1], afterAt, null, 0)) > 0)
                    .toList();
            List<Chat> page = rest.size() > limit ? rest.subList(0, limit) : rest;
            String next = rest.size() > limit
                    ? Cursors.encode(page.getLast().lastMessageAt().toString(), page.getLast().chat()) : null;
            return new ChatPage(page, next);
        });
    }
}
