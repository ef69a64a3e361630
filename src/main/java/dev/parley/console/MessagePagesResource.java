package dev.parley.console;

import dev.parley.device.DeviceService;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventScan;
import dev.parley.event.EventTypes;
import dev.parley.message.MessageListing;
import dev.parley.message.MessagePage;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageService;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageView;
import dev.parley.message.SendMessageRequest;
import dev.parley.error.ApiException;
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
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The console's messages: search, detail with its event history, a test send, removal. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class MessagePagesResource {

    private static final Set<String> MESSAGE_EVENTS = Set.of(EventTypes.MESSAGE_OUT_SENT,
            EventTypes.MESSAGE_OUT_DELIVERED, EventTypes.MESSAGE_OUT_READ, EventTypes.MESSAGE_OUT_RETRY,
            EventTypes.MESSAGE_OUT_FAILED, EventTypes.MESSAGE_OUT_EXPIRED, EventTypes.MESSAGE_OUT_REMOVED);
    /** The history shows at most this many events, found among at most HISTORY_SCAN of the device's events. */
    private static final int HISTORY_SIZE = 50;
    private static final int HISTORY_SCAN = 1000;

    private final ConsolePages pages;
    private final MessageService messages;
    private final MessageListing listing;
    private final DeviceService devices;
    private final EventOutbox outbox;
    private final Clock clock;

    public MessagePagesResource(ConsolePages pages, MessageService messages, MessageListing listing,
                                DeviceService devices, EventOutbox outbox, Clock clock) {
        this.pages = pages;
        this.messages = messages;
        this.listing = listing;
        this.devices = devices;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Newest first, narrowed by status, phone, reference and creation dates (whole UTC days, both included); a bad
     * filter is the API's error, shown next to its field.
     */
    @GET
    @Path("messages")
    public TemplateInstance list(@QueryParam("status") String status, @QueryParam("phone") String phone,
                                 @QueryParam("reference") String reference,
                                 @QueryParam("createdAfter") String createdAfter,
                                 @QueryParam("createdBefore") String createdBefore,
                                 @QueryParam("error") String error, @QueryParam("field") String field) {
        String shownError = error;
        String shownField = field;
        MessagePage page;
        try {
            page = pages.call(() -> listing.list(pages.access(), new MessageListing.ListQuery(status, null, phone, null,
                    reference, null, dayStart(createdAfter, 0), dayStart(createdBefore, 1), "50", null)));
        } catch (ApiException e) {
            page = new MessagePage(List.of(), null);
            shownError = e.getMessage();
            shownField = e.field();
        }
        return pages.page("messages", shownError, shownField).data("messages", page.data())
                .data("statuses", Arrays.stream(MessageStatus.values()).map(Enum::name).toList())
                .data("status", orEmpty(status)).data("phone", orEmpty(phone)).data("reference", orEmpty(reference))
                .data("createdAfter", orEmpty(createdAfter)).data("createdBefore", orEmpty(createdBefore))
                .data("devices", pages.call(() -> devices.list(pages.access())));
    }

    /**
     * A date from the form's date field as the API's instant: the start of that UTC day, or of the day after for
     * the range's inclusive end. Anything else goes to the API as typed, which names the field it rejects.
     */
    static String dayStart(String date, int plusDays) {
        if (date == null || !date.trim().matches("\\d{4}-\\d{2}-\\d{2}")) {
            return date;
        }
        try {
            return LocalDate.parse(date.trim()).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        } catch (DateTimeException e) {
            return date;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** One message with its event history (the events Parley emitted about it, oldest first), refreshed live. */
    @GET
    @Path("messages/{id}")
    public TemplateInstance message(@PathParam("id") String id, @QueryParam("error") String error,
                                    @QueryParam("field") String field) {
        MessageRecord record = pages.call(() -> messages.get(pages.access(), id));
        MessageView message = MessageView.of(record);
        // A message's events all follow its creation: scan from there, within a bounded budget of stored events.
        String from = EventOutbox.key(record.createdAt().minusMillis(1), "0");
        EventScan scan = pages.call(() -> outbox.scan(record.accountId(), from, clock.instant(), MESSAGE_EVENTS,
                record.deviceId(), HISTORY_SIZE, HISTORY_SCAN));
        List<HistoryRow> history = scan.events().stream().filter(e -> id.equals(e.data().path("id").asText()))
                .map(e -> new HistoryRow(e.createdAt(), e.type(), e.data().path("status").asText(""))).toList();
        return pages.page("message", error, field).data("message", message).data("history", history)
                .data("removable", message.status == MessageStatus.queued || message.status == MessageStatus.scheduled);
    }

    /** Removes a message that is still waiting; one already sent is shown as the API's 409 next to the button. */
    @POST
    @Path("messages/{id}/remove")
    public Response remove(@PathParam("id") String id, @RestForm String csrf) {
        String page = "/console/messages/" + id;
        return pages.post(csrf, page, () -> {
            pages.call(() -> messages.remove(pages.access(), id));
            return page;
        });
    }

    /** Sends a text message as the API would, so the owner can watch it go through. */
    @POST
    @Path("messages")
    public Response send(@RestForm String csrf, @RestForm String device, @RestForm String phone,
                         @RestForm String message) {
        return pages.post(csrf, "/console/messages", () -> {
            SendMessageRequest request = new SendMessageRequest(phone, null, message,
                    device == null || device.isBlank() ? null : device, null, null, null, null, null, null, null, null,
                    null, null);
            return "/console/messages/" + pages.call(() -> messages.send(pages.access(), request, null)).id();
        });
    }

    /** One event in a message's history. */
    public record HistoryRow(Instant at, String type, String status) {
    }
}
