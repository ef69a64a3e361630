package dev.parley.message;

import dev.parley.account.Access;
import dev.parley.common.PhoneNumber;
import dev.parley.common.Priority;
import dev.parley.common.QueryParams;
import dev.parley.config.ParleyConfig;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Lists an account's outbound messages for the API: query parameters checked, pages continued by cursor. */
@ApplicationScoped
public class MessageListing {

    private final MessageStore store;
    private final DeviceService devices;
    private final ParleyConfig config;

    public MessageListing(MessageStore store, DeviceService devices, ParleyConfig config) {
        this.store = store;
        this.devices = devices;
        this.config = config;
    }

    /** Query parameters of a listing, as received. */
    public record ListQuery(String status, String priority, String phone, String group, String reference,
                            String device, String createdAfter, String createdBefore, String size, String cursor) {
    }

    /** A page of the account's messages, newest first, narrowed by the query. */
    public Uni<MessagePage> list(Access access, ListQuery q) {
        String accountId = access.accountId();
        int pageSize = QueryParams.size(q.size(), config.api().defaultPageSize(), config.api().maxPageSize());
        MessageStatus status = null;
        if (q.status() != null && !q.status().isBlank()) {
            try {
                status = MessageStatus.valueOf(q.status().trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("status", "status must be one of " + List.of(MessageStatus.values()));
            }
        }
        Priority priority = q.priority() == null || q.priority().isBlank() ? null : Priority.parse(q.priority(), "priority");
        String phone = q.phone() == null || q.phone().isBlank() ? null : PhoneNumber.of(q.phone(), "phone").e164();
        String group = blankToNull(q.group());
        String reference = blankToNull(q.reference());
        Instant from = QueryParams.instant(q.createdAfter(), "createdAfter");
        Instant to = QueryParams.instant(q.createdBefore(), "createdBefore");
        QueryParams.range(from, "createdAfter", to, "createdBefore");
        String device = access.deviceFilter(blankToNull(q.device()), "device");
        MessageCursor after = MessageCursor.decode(q.cursor());
        MessageStore.Filter filter = new MessageStore.Filter(accountId, device, status, priority, phone, group,
                reference, from, to);
        // Built first, so a cursor of another listing is a 400 before the device is looked up.
        Uni<MessageStore.Page> listing = store.list(filter, pageSize, after);
        // A device filter must name one of the caller's devices: a foreign one is a 404, not an empty page.
        Uni<Void> deviceCheck = device == null ? Uni.createFrom().voidItem()
                : devices.get(access, device).replaceWithVoid();
        return deviceCheck.flatMap(ignored -> listing).map(page -> new MessagePage(
                page.items().stream().map(MessageView::of).toList(),
                page.next() == null ? null : page.next().encode()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
