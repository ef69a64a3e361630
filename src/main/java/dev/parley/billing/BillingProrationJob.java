package dev.parley.billing;

import dev.parley.common.Blocking;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daily {@code billing-proration} job (billing on): for each device with a live subscription it charges the
 * overage of its usage beyond the plan's included amounts as invoice items on the subscription (the current month,
 * and the previous one for sends after its last run), only the units not invoiced before (Stripe's invoice items are
 * the record), under an idempotency key per device, period and day, so reruns and concurrent runs charge once; and it
 * flags devices whose subscription state differs from Stripe's. Blocking; runs on the scheduler's or Lambda's thread.
 */
@ApplicationScoped
public class BillingProrationJob {

    /** What a run did: devices looked at, units charged, devices whose state differs from Stripe's, failures. */
    public record Result(int devices, long unitsCharged, int drifted, int failed) {
    }

    private static final Logger LOG = Logger.getLogger(BillingProrationJob.class);
    private static final int PAGE = 100;

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final BillingRecords records;
    private final DeviceUsage usage;
    private final Clock clock;

    public BillingProrationJob(BillingConfig config, BillingGateway gateway, BillingRecords records, DeviceUsage usage,
                               Clock clock) {
        this.config = config;
        this.gateway = gateway;
        this.records = records;
        this.usage = usage;
        this.clock = clock;
    }

    /** One run over every billed device; a device that fails is logged and retried by the next run. */
    public Result run() {
        if (!config.enabled()) {
            return new Result(0, 0, 0, 0);
        }
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Map<String, String> customers = new HashMap<>();
        int devices = 0;
        long charged = 0;
        int drifted = 0;
        int failed = 0;
        String after = "";
        while (true) {
            String from = after;
            List<Device> page = Blocking.onContext(() -> records.billedDevices(from, PAGE));
            for (Device device : page) {
                devices++;
                try {
                    String customer = customers.computeIfAbsent(device.accountId,
                            id -> Blocking.onContext(() -> records.account(id)).stripeCustomer);
                    if (drifted(device)) {
                        drifted++;
                    }
                    charged += charge(device, customer, month.minusMonths(1), day) + charge(device, customer, month, day);
                } catch (RuntimeException e) {
                    failed++;
                    LOG.warnf("Billing proration of device=%s failed; the next run retries: %s", device.id, e.toString());
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.getLast().id;
        }
        if (charged > 0 || drifted > 0 || failed > 0) {
            LOG.infof("Billing proration: %d devices, %d overage units charged, %d differ from Stripe, %d failed",
                    devices, charged, drifted, failed);
        }
        return new Result(devices, charged, drifted, failed);
    }

    /** Charges the month's overage not invoiced yet; answers the units charged now. */
    private long charge(Device device, String customer, YearMonth month, LocalDate day) {
        DeviceUsage.Charge overage = Blocking.onContext(() -> usage.of(device, month)).overage();
        if (overage == null || overage.units() == 0 || overage.unitPrice() == 0) {
            return 0;
        }
        String period = month.toString();
        long due = Overage.toInvoice(new Overage.Units(overage.messages(), overage.media()),
                gateway.overageInvoiced(customer, device.id, period));
        if (due == 0) {
            return 0;
        }
        String description = "Overage " + period + ", device " + device.id + ": " + overage.messages() + " messages and "
                + overage.media() + " media messages beyond the " + device.plan + " plan";
        boolean added = gateway.addOverage(new BillingGateway.OverageCharge(customer, device.subscriptionId, device.id,
                period, day, due, overage.unitPrice(), overage.currency(), description));
        if (!added) {
            LOG.infof("Overage of device=%s for %s was charged earlier today with other units; the rest waits for tomorrow",
                    device.id, period);
            return 0;
        }
        return due;
    }

    /** Whether the device's status or plan differs from its subscription in Stripe (logged as a warning). */
    private boolean drifted(Device device) {
        Optional<BillingGateway.Subscription> found = gateway.subscription(device.subscriptionId);
        if (found.isEmpty()) {
            LOG.warnf("Device=%s is %s but its subscription %s does not exist in Stripe", device.id,
                    device.billingStatus, device.subscriptionId);
            return true;
        }
        BillingGateway.Subscription sub = found.get();
        BillingStatus stripeStatus = SubscriptionSync.statusOf(sub, device);
        boolean planDiffers = sub.plan() != null && sub.deviceId() != null && !sub.plan().equals(device.plan);
        if (stripeStatus != device.billingStatus || planDiffers) {
            LOG.warnf("Device=%s differs from its subscription %s in Stripe: Parley %s on %s, Stripe %s on %s",
                    device.id, sub.id(), device.billingStatus, device.plan, stripeStatus, sub.plan());
            return true;
        }
        return false;
    }
}
