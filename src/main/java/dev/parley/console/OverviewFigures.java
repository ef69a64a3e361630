package dev.parley.console;

import dev.parley.account.Access;
import dev.parley.common.Blocking;
import dev.parley.device.Device;
import dev.parley.message.MessageListing;
import dev.parley.message.MessagePage;
import dev.parley.message.MessageStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The overview's figures per device: messages created today (UTC) and how many of them failed, and messages still
 * waiting to be sent (queued or held). Each is one listing page of at most {@value #COUNTED} messages, so a busier
 * device shows "100+": two store queries per device, whatever its traffic.
 */
@ApplicationScoped
public class OverviewFigures {

    static final int COUNTED = 100;

    /** One device on the overview. */
    public record Row(String id, String name, String phone, String plan, String status, String today,
                      long failedToday, String waiting) {
    }

    private final MessageListing listing;
    private final Clock clock;

    public OverviewFigures(MessageListing listing, Clock clock) {
        this.listing = listing;
        this.clock = clock;
    }

    /** The overview rows of these devices (on a worker thread). */
    public List<Row> of(Access access, List<Device> devices) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        String from = today.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        String until = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        return devices.stream().map(d -> {
            MessagePage created = page(access, new MessageListing.ListQuery(null, null, null, null, null, d.id, from,
                    until, Integer.toString(COUNTED), null));
            MessagePage waiting = page(access, new MessageListing.ListQuery(MessageStatus.queued.name(), null, null,
                    null, null, d.id, null, null, Integer.toString(COUNTED), null));
            long failed = created.data().stream().filter(m -> m.status == MessageStatus.failed).count();
            return new Row(d.id, d.name, d.phone, d.plan, d.status == null ? "" : d.status.name(), count(created),
                    failed, count(waiting));
        }).toList();
    }

    private MessagePage page(Access access, MessageListing.ListQuery query) {
        return Blocking.onContext(() -> listing.list(access, query));
    }

    private static String count(MessagePage page) {
        return page.next() != null ? COUNTED + "+" : Integer.toString(page.data().size());
    }
}
