package dev.parley.billing;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.device.Device;
import dev.parley.inbound.InboundStore;
import dev.parley.plan.Plan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.YearMonth;

/**
 * A device's usage of a month (UTC, Parley's usage period) against its plan: what the plan includes, what was used,
 * and the overage beyond it, which the {@code billing-proration} job charges. Billing off: the counters alone.
 */
@ApplicationScoped
public class DeviceUsage {

    /** Messages and media messages; a null included amount is unlimited. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Amounts(Long messages, Long media) {
    }

    /** Overage units of the month and what they cost (minor units of {@code currency}). */
    public record Charge(long messages, long media, long units, long unitPrice, long amount, String currency) {
    }

    /**
     * The month's counters as before ({@code inbound}, {@code inboundHidden}, {@code media}) and, with billing on,
     * the plan, its included amounts, the amounts used and the overage.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(String period, long inbound, long inboundHidden, long media, Long sent, String plan,
                       Amounts included, Amounts used, Charge overage) {
    }

    private final BillingConfig config;
    private final BillingRecords records;
    private final InboundStore counters;

    public DeviceUsage(BillingConfig config, BillingRecords records, InboundStore counters) {
        this.config = config;
        this.records = records;
        this.counters = counters;
    }

    /** The device's usage in {@code month}; the plan is read first, on the caller's Vert.x context (Panache). */
    public Uni<View> of(Device device, YearMonth month) {
        if (!config.enabled()) {
            return counters.usage(device.id, month).map(usage -> new View(usage.period(), usage.inbound(),
                    usage.inboundHidden(), usage.media(), null, null, null, null, null));
        }
        return records.plan(device.plan).flatMap(plan -> counters.usage(device.id, month).map(usage -> {
            Integer messages = includedMessages(plan);
            Integer media = includedMedia(plan);
            Overage.Units units = Overage.of(usage.sent(), usage.media(), messages, media);
            return new View(usage.period(), usage.inbound(), usage.inboundHidden(), usage.media(), usage.sent(),
                    plan.name, new Amounts(messages == null ? null : messages.longValue(),
                    media == null ? null : media.longValue()), new Amounts(usage.sent(), usage.media()),
                    new Charge(units.messages(), units.media(), units.total(), plan.overagePrice,
                            units.total() * plan.overagePrice, plan.currency));
        }));
    }

    /** Messages a month of the plan includes: the configured amount if any, else the plans table's (null: unlimited). */
    Integer includedMessages(Plan plan) {
        BillingConfig.Allowance set = config.plans().get(plan.name);
        return set != null && set.includedMessages().isPresent() ? set.includedMessages().get() : plan.includedMessages;
    }

    /** Media messages a month of the plan includes, as {@link #includedMessages}. */
    Integer includedMedia(Plan plan) {
        BillingConfig.Allowance set = config.plans().get(plan.name);
        return set != null && set.includedMedia().isPresent() ? set.includedMedia().get() : plan.includedMedia;
    }
}
