package dev.parley.billing;

import dev.parley.common.Blocking;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import dev.parley.plan.Plan;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;

/**
 * Plan changes of a paid device: an upgrade at any time, prorated from 00:00 UTC of the day and invoiced at once;
 * a downgrade only 7 days after the last change, credited on the next invoice (never refunded). A device of an
 * aggregated subscription changes the same way: one unit moves from its old plan's item to its new plan's.
 */
@ApplicationScoped
public class PlanChanges {

    /** A change as previewed or made: the verdict of the rules and what Stripe invoices for it. */
    public record Outcome(String device, String fromPlan, String toPlan, boolean upgrade, boolean allowed,
                          Instant allowedFrom, Instant prorationDate, long amount, long amountDue, String currency) {
    }

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final BillingRecords records;
    private final DeviceService devices;
    private final DeviceCheckout checkout;
    private final Aggregation aggregation;

    public PlanChanges(BillingConfig config, BillingGateway gateway, BillingRecords records, DeviceService devices,
                       DeviceCheckout checkout, Aggregation aggregation) {
        this.aggregation = aggregation;
        this.config = config;
        this.gateway = gateway;
        this.records = records;
        this.devices = devices;
        this.checkout = checkout;
    }

    /** What moving the device to {@code planName} would cost now, and whether it is allowed (on a worker thread). */
    public Outcome preview(String accountId, String deviceId, String planName) {
        Change change = prepare(accountId, deviceId, planName);
        BillingGateway.Preview preview = preview(change);
        return change.outcome(preview.total(), preview.amountDue(), preview.currency());
    }

    private BillingGateway.Preview preview(Change change) {
        return change.quantities == null
                ? gateway.previewChange(change.customer, change.device.subscriptionId, change.itemId, change.priceId,
                        change.prorationDate, change.verdict.upgrade())
                : gateway.previewQuantities(change.customer, change.device.subscriptionId, change.quantities,
                        change.prorationDate, change.verdict.upgrade());
    }

    /** Makes the change, or refuses a downgrade before its time with a 409 naming the date it becomes possible. */
    public Outcome change(String accountId, String deviceId, String planName) {
        Change change = prepare(accountId, deviceId, planName);
        if (!change.verdict.allowed()) {
            throw new ApiException(409, "downgrade-too-soon", "A downgrade is possible " + config.downgradeAfter().toDays()
                    + " days after the last plan change, from " + change.verdict.allowedFrom(), "plan");
        }
        BillingGateway.Preview preview = preview(change);
        if (change.quantities == null) {
            gateway.changePrice(change.device.subscriptionId, change.itemId, change.priceId, change.prorationDate,
                    change.verdict.upgrade());
            Blocking.onContext(() -> records.changedPlan(deviceId, change.to.name, change.now));
        } else {
            // One unit moves from the old plan's item to the new one's, prorated from the same 00:00 UTC.
            gateway.changeQuantities(change.device.subscriptionId, change.quantities, change.prorationDate,
                    change.verdict.upgrade(), "plan-change-" + deviceId + "-" + change.to.name + "-"
                            + change.prorationDate.getEpochSecond());
            Blocking.onContext(() -> records.changedPlan(deviceId, change.to.name, change.now));
            aggregation.reconcile(accountId, change.device.subscriptionId, change.customer);
        }
        return change.outcome(preview.total(), preview.amountDue(), preview.currency());
    }

    private Change prepare(String accountId, String deviceId, String planName) {
        if (!config.enabled()) {
            throw new ApiException(404, "not-found", "Billing is off: change the plan with PATCH /v1/devices/" + deviceId, null);
        }
        if (planName == null || planName.isBlank()) {
            throw ApiException.invalid("plan", "plan is required");
        }
        Device device = Blocking.onContext(() -> devices.get(accountId, deviceId));
        if (device.billingStatus == BillingStatus.granted) {
            throw new ApiException(409, "billing", "The device is granted by the operator: its plan is the operator's to"
                    + " change", "device");
        }
        if (device.billingStatus != BillingStatus.active && device.billingStatus != BillingStatus.past_due) {
            throw new ApiException(409, "billing", "Only a paid device changes plan; this one is " + device.billingStatus, "device");
        }
        Plan from = Blocking.onContext(() -> records.plan(device.plan));
        Plan to = Blocking.onContext(() -> records.plan(planName.trim()));
        if (to == null) {
            throw ApiException.invalid("plan", "Unknown plan '" + planName + "'; plans are basic, professional, business, enterprise");
        }
        if (to.name.equals(from.name)) {
            throw ApiException.invalid("plan", "The device is on the " + to.name + " plan already");
        }
        String customer = Blocking.onContext(() -> checkout.customerOf(accountId));
        BillingGateway.Subscription sub = gateway.subscription(device.subscriptionId)
                .orElseThrow(() -> new ApiException(409, "billing", "The device's subscription is gone", "device"));
        if (!"active".equals(sub.status()) && !"past_due".equals(sub.status()) && !"trialing".equals(sub.status())) {
            throw new ApiException(409, "billing", "The device's subscription is " + sub.status(), "device");
        }
        Instant now = gateway.now(customer);
        PlanChangeRule.Verdict verdict = PlanChangeRule.check(from.monthlyPrice, to.monthlyPrice,
                device.planChangedAt == null ? sub.periodStart() : device.planChangedAt, now, config.downgradeAfter());
        String priceId = checkout.priceId(new BillingGateway.PlanPrice(to.name, to.monthlyPrice, to.currency));
        // In the account's aggregated subscription (no device in its metadata) the device is one unit of its plan's item.
        Map<String, Long> quantities = sub.deviceId() == null ? aggregation.quantitiesWith(device, to.name) : null;
        return new Change(device, from, to, customer, sub.itemId(), priceId, quantities, now, Proration.prorationDate(now),
                verdict);
    }

    private record Change(Device device, Plan from, Plan to, String customer, String itemId, String priceId,
                          Map<String, Long> quantities, Instant now, Instant prorationDate, PlanChangeRule.Verdict verdict) {

        Outcome outcome(long amount, long amountDue, String currency) {
            return new Outcome(device.id, from.name, to.name, verdict.upgrade(), verdict.allowed(), verdict.allowedFrom(),
                    prorationDate, amount, amountDue, currency);
        }
    }
}
