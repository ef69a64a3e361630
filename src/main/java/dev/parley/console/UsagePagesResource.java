package dev.parley.console;

import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.inbound.InboundStore;
import dev.parley.message.MessageListing;
import dev.parley.message.MessagePage;
import dev.parley.message.MessageStatus;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's usage page: per device and UTC day over the last {@value #DAYS} days, messages out and failed
 * (from the messages, up to {@value #COUNTED} a day) and messages in and media (from the usage counters), drawn
 * as an inline SVG bar chart with the same figures in a table.
 */
@Path("/console/usage")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class UsagePagesResource {

    static final int DAYS = 14;
    /** Messages of a day counted one by one; beyond, the day shows "100+" (a page of the listing). */
    static final int COUNTED = 100;

    private final ConsolePages pages;
    private final DeviceService devices;
    private final MessageListing listing;
    private final InboundStore counters;
    private final Clock clock;

    public UsagePagesResource(ConsolePages pages, DeviceService devices, MessageListing listing, InboundStore counters,
                              Clock clock) {
        this.pages = pages;
        this.devices = devices;
        this.listing = listing;
        this.counters = counters;
        this.clock = clock;
    }

    @GET
    public TemplateInstance usage() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<DeviceUsage> rows = pages.call(() -> devices.list(pages.access())).stream()
                .map(d -> usage(d, today)).toList();
        return pages.page("usage", null, null).data("rows", rows).data("today", today.toString())
                .data("days", DAYS).data("counted", COUNTED);
    }

    private DeviceUsage usage(Device device, LocalDate today) {
        LocalDate first = today.minusDays(DAYS - 1);
        Map<LocalDate, InboundStore.DayUsage> counted = new HashMap<>();
        for (YearMonth month = YearMonth.from(first); !month.isAfter(YearMonth.from(today)); month = month.plusMonths(1)) {
            YearMonth m = month;
            pages.call(() -> counters.days(device.id, m)).forEach(d -> counted.put(d.date(), d));
        }
        List<UsageChart.Day> days = new ArrayList<>();
        for (LocalDate date = first; !date.isAfter(today); date = date.plusDays(1)) {
            LocalDate day = date;
            MessagePage sent = pages.call(() -> listing.list(pages.access(), new MessageListing.ListQuery(null, null,
                    null, null, null, device.id, day.atStartOfDay(ZoneOffset.UTC).toInstant().toString(),
                    day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString(), Integer.toString(COUNTED),
                    null)));
            long failed = sent.data().stream().filter(m -> m.status == MessageStatus.failed).count();
            InboundStore.DayUsage c = counted.get(day);
            days.add(new UsageChart.Day(day, sent.data().size(), sent.next() != null, c == null ? 0 : c.inbound(),
                    c == null ? 0 : c.media(), failed));
        }
        return new DeviceUsage(device.id, device.name, days, UsageChart.bars(days),
                pages.call(() -> counters.usage(device.id, clock.instant())));
    }

    /** One device on the usage page: its days, their bars, and this month's counters. */
    public record DeviceUsage(String id, String name, List<UsageChart.Day> days, List<UsageChart.Bar> bars,
                              InboundStore.Usage month) {

        public int width() {
            return UsageChart.width(days.size());
        }

        public List<UsageChart.Label> labels() {
            return UsageChart.labels(days);
        }

        public long failedToday() {
            return days.getLast().failed();
        }

        /** Today's messages out, as the table shows them ("100+" past one listing page). */
        public String sentToday() {
            return days.getLast().outText();
        }
    }
}
