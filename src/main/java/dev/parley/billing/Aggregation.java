package dev.parley.billing;

import dev.parley.common.Blocking;
import dev.parley.device.Device;
import dev.parley.plan.Plan;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Beyond {@code parley.billing.per-device-subscriptions-up-to} (20) paid devices an account is billed by one
 * aggregated subscription with one item per plan and a quantity (Stripe allows 20 items per subscription). A device
 * is always bought through its own Checkout; once paid, it is folded in: the aggregated subscription is started
 * (or its quantity raised, prorated) and the per-device subscriptions end with their unused time credited, so
 * nothing is lost. The account stays aggregated when it drops back to 20 or fewer (ADR 0013): the quantities keep
 * following the devices, so the monthly total stays the sum of the devices' prices.
 */
@ApplicationScoped
public class Aggregation {

    private static final Logger LOG = Logger.getLogger(Aggregation.class);

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final AggregationRecords records;
    private final DeviceCheckout checkout;
    private final BillingRecords billing;

    public Aggregation(BillingConfig config, BillingGateway gateway, AggregationRecords records, DeviceCheckout checkout,
                       BillingRecords billing) {
        this.config = config;
        this.gateway = gateway;
        this.records = records;
        this.checkout = checkout;
        this.billing = billing;
    }

    /** A device's own subscription is paid (on a worker thread): folds it in when the account is or goes aggregated. */
    public void paid(String accountId, String customerId) {
        String aggregated = Blocking.onContext(() -> records.aggregated(accountId));
        List<Device> paid = Blocking.onContext(() -> records.paidDevices(accountId));
        List<Device> own = paid.stream().filter(d -> !d.subscriptionId.equals(aggregated)).toList();
        if (own.isEmpty() || aggregated == null && paid.size() <= config.perDeviceSubscriptionsUpTo()) {
            return;
        }
        Device last = own.getLast();
        Map<String, Long> quantities = quantities(paid);
        String target;
        if (aggregated == null) {
            BillingGateway.Subscription started = gateway.startAggregated(customerId, accountId, quantities,
                    "aggregate-" + accountId + "-" + last.id);
            target = Blocking.onContext(() -> records.keepAggregated(accountId, started.id()));
            if (!target.equals(started.id())) {
                // Another handler moved the account first: this one's charge comes back as a credit.
                gateway.cancelProrated(started.id());
                gateway.setQuantities(target, quantities, true, Proration.prorationDate(gateway.now(customerId)),
                        "fold-" + accountId + "-" + last.id);
            }
            LOG.infof("Account %s moved to aggregated subscription %s (%d devices)", accountId, target, paid.size());
        } else {
            target = aggregated;
            gateway.setQuantities(target, quantities, true, Proration.prorationDate(gateway.now(customerId)),
                    "fold-" + accountId + "-" + last.id);
        }
        for (Device device : own) {
            if (device.subscriptionId.equals(target)) {
                continue; // moved by a concurrent handler of the same move
            }
            // The device points at the aggregated subscription before its own ends, so that end's event is no news.
            if (Blocking.onContext(() -> records.moveTo(device.id, device.subscriptionId, target)) > 0) {
                gateway.cancelProrated(device.subscriptionId);
            }
        }
    }

    /**
     * Whether the device is paid for by its account's aggregated subscription; if so, removes it from there at once
     * without refund (on a worker thread) and answers true.
     */
    public boolean removeFromAggregated(Device device) {
        return takeOut(device, false, "remove-" + device.id);
    }

    /**
     * Whether the device is paid for by its account's aggregated subscription; if so, takes it out with its unused
     * time credited (the operator granted it: the customer stops paying for it now) and answers true.
     */
    public boolean releaseFromAggregated(Device device, String idempotencyKey) {
        return takeOut(device, true, idempotencyKey);
    }

    private boolean takeOut(Device device, boolean credit, String idempotencyKey) {
        String aggregated = Blocking.onContext(() -> records.aggregated(device.accountId));
        if (aggregated == null || !aggregated.equals(device.subscriptionId)) {
            return false;
        }
        List<Device> rest = Blocking.onContext(() -> records.paidDevices(device.accountId)).stream()
                .filter(d -> !d.id.equals(device.id) && aggregated.equals(d.subscriptionId)).toList();
        if (rest.isEmpty()) {
            if (credit) {
                gateway.cancelProrated(aggregated);
            } else {
                gateway.cancelNow(aggregated);
            }
            Blocking.onContext(() -> records.dropAggregated(device.accountId, aggregated));
        } else if (credit) {
            String customer = Blocking.onContext(() -> billing.account(device.accountId)).stripeCustomer;
            gateway.setQuantities(aggregated, quantities(rest), true, Proration.prorationDate(gateway.now(customer)),
                    idempotencyKey);
        } else {
            gateway.setQuantities(aggregated, quantities(rest), false, null, idempotencyKey);
        }
        return true;
    }

    /** Applies Stripe's view of an aggregated subscription (status and period) to every device it pays for. */
    public void sync(BillingGateway.Subscription sub, java.util.function.BiConsumer<Device, BillingGateway.Subscription> apply) {
        for (Device device : Blocking.onContext(() -> records.devicesOf(sub.id()))) {
            apply.accept(device, sub);
        }
    }

    /**
     * The aggregated subscription's quantities once {@code device} is on {@code plan} instead (on a worker thread):
     * one unit moves from the old plan's item to the new one's.
     */
    public Map<String, Long> quantitiesWith(Device device, String plan) {
        List<Device> paying = Blocking.onContext(() -> records.paidDevices(device.accountId)).stream()
                .filter(d -> device.subscriptionId.equals(d.subscriptionId)).toList();
        return quantities(paying, Map.of(device.id, plan));
    }

    /**
     * Sets the aggregated subscription's quantities to the devices' plans as recorded, prorated, when Stripe's differ
     * (two plan changes of one account at the same moment each set quantities from what they read; the later one's
     * check puts both right). On a worker thread.
     */
    public void reconcile(String accountId, String subscriptionId, String customerId) {
        List<Device> paying = Blocking.onContext(() -> records.paidDevices(accountId)).stream()
                .filter(d -> subscriptionId.equals(d.subscriptionId)).toList();
        Map<String, Long> expected = quantities(paying, Map.of());
        Map<String, Long> held = gateway.quantities(subscriptionId);
        if (!expected.equals(held)) {
            LOG.warnf("Aggregated subscription %s of account %s had %s, devices say %s: set", subscriptionId, accountId,
                    held, expected);
            java.time.Instant date = Proration.prorationDate(gateway.now(customerId));
            gateway.setQuantities(subscriptionId, expected, true, date,
                    "reconcile-" + subscriptionId + "-" + expected + "-" + date.getEpochSecond());
        }
    }

    /** Devices per plan price, as Stripe quantities (price ids in a stable order). */
    private Map<String, Long> quantities(List<Device> devices) {
        return quantities(devices, Map.of());
    }

    /** As {@link #quantities(List)}, with some devices counted on another plan ({@code planOf}: device id to plan). */
    private Map<String, Long> quantities(List<Device> devices, Map<String, String> planOf) {
        Map<String, Plan> plans = new TreeMap<>();
        Map<String, Long> quantities = new TreeMap<>();
        for (Device device : devices) {
            Plan plan = plans.computeIfAbsent(planOf.getOrDefault(device.id, device.plan),
                    name -> Blocking.onContext(() -> billing.plan(name)));
            String price = checkout.priceId(new BillingGateway.PlanPrice(plan.name, plan.monthlyPrice, plan.currency));
            quantities.merge(price, 1L, Long::sum);
        }
        return quantities;
    }
}
