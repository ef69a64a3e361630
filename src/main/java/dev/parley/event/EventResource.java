package dev.parley.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.account.Caller;
import dev.parley.common.QueryParams;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Recent events of the caller's account, oldest first, so a client can catch up without webhooks. */
@Path("/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    private static final int MAX_SIZE = 500;

    private final EventOutbox outbox;
    private final Caller caller;
    private final Clock clock;
    private final Duration settle;
    private final int scanMax;

    public EventResource(EventOutbox outbox, Caller caller, Clock clock, EventsConfig config) {
        this.outbox = outbox;
        this.caller = caller;
        this.clock = clock;
        this.settle = config.settle();
        this.scanMax = config.scanMax();
    }

    /**
     * A page of events; pass {@code next} as {@code after} to continue. {@code next} is present whenever more
     * settled events may follow: the page is full, or it looked at its share of events (a filtered page may then
     * be empty, and {@code next} lies after the last event looked at); absent at the end.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventPage(List<Event> data, String next) {
    }

    /**
     * @param type   comma-separated event types to keep
     * @param after  the {@code next} of a previous page
     */
    @GET
    public Uni<EventPage> list(@QueryParam("type") String type, @QueryParam("device") String device,
                               @QueryParam("after") String after, @QueryParam("size") String size) {
        int limit = QueryParams.size(size, 100, MAX_SIZE);
        Set<String> types = new LinkedHashSet<>();
        if (type != null && !type.isBlank()) {
            for (String t : Arrays.stream(type.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList()) {
                if (!EventTypes.ALL.contains(t)) {
                    throw ApiException.invalid("type", "Unknown event type '" + t + "'; known: " + EventTypes.ALL);
                }
                types.add(t);
            }
        }
        if (after != null && !after.matches("\\d{13}#[0-9a-f]{24}")) {
            throw ApiException.invalid("after", "after must be the next value of a previous page");
        }
        String deviceFilter = caller.access().deviceFilter(device == null || device.isBlank() ? null : device.trim(),
                "device");
        // Only settled events: one stamped earlier but written later than this read cannot land behind the cursor.
        return outbox.scan(caller.accountId(), after, clock.instant().minus(settle), types, deviceFilter, limit,
                        Math.max(limit, scanMax))
                .map(scan -> new EventPage(scan.events(), scan.position()));
    }
}
