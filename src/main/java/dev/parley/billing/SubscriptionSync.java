package dev.parley.billing;

import dev.parley.common.Blocking;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Optional;

/**
 * Brings a device in line with its subscription as Stripe holds it now. A webhook only says which subscription
 * changed; the state is read again from Stripe, so events handled late or out of order still end in Stripe's state.
 */
@ApplicationScoped
public class SubscriptionSync {

    private static final Logger LOG = Logger.getLogger(SubscriptionSync.class);

    private final BillingGateway gateway;
    private final BillingRecords records;
    private final PaymentFailures payments;
    private final Aggregation aggregation;

    public SubscriptionSync(BillingGateway gateway, BillingRecords records, PaymentFailures payments,
                            Aggregation aggregation) {
        this.gateway = gateway;
        this.records = records;
        this.payments = payments;
        this.aggregation = aggregation;
    }

    /** Handles a verified event on a worker thread: re-reads its subscription and applies it to the device. */
    public void handle(BillingGateway.Event event) {
        Optional<String> subscriptionId = event.subscriptionId();
        if (subscriptionId.isEmpty()) {
            return;
        }
        Optional<BillingGateway.Subscription> found = gateway.subscription(subscriptionId.get());
        if (found.isEmpty()) {
            return;
        }
        BillingGateway.Subscription sub = found.get();
        if (sub.deviceId() == null) {
            // The account's aggregated subscription: its state is every device's it pays for (their plans are Parley's).
            aggregation.sync(sub, (device, s) -> {
                if (device.billingStatus != BillingStatus.granted) {
                    apply(device, s, null, event);
                }
            });
            return;
        }
        Device device = Blocking.onContext(() -> records.deviceOf(sub.customer(), sub.deviceId()));
        if (device == null) {
            // Another deployment's customer, or a device deleted since: nothing of ours to change.
            return;
        }
        if (device.billingStatus == BillingStatus.granted) {
            // The operator's: a subscription still live for it (its old Checkout paid after the grant) ends, credited.
            if (!"canceled".equals(sub.status()) && !"incomplete_expired".equals(sub.status())) {
                LOG.warnf("Device %s is granted: its subscription %s ends, its unused time credited", device.id, sub.id());
                gateway.endForGrant(sub.id());
            }
            return;
        }
        if (device.subscriptionId != null && !device.subscriptionId.equals(sub.id())) {
            // The device moved to the aggregated subscription: the end of its own is no news.
            return;
        }
        if (apply(device, sub, sub.plan(), event) == BillingStatus.active) {
            aggregation.paid(device.accountId, sub.customer());
        }
    }

    private BillingStatus apply(Device device, BillingGateway.Subscription sub, String plan, BillingGateway.Event event) {
        BillingStatus status = statusOf(sub, device);
        Instant failedAt = status == BillingStatus.past_due || status == BillingStatus.suspended
                ? payments.failed(device, sub.customer()) : null;
        Blocking.onContext(() -> records.applySubscription(device.id, sub.id(), status, sub.periodEnd(), failedAt,
                plan, sub.periodStart()));
        if (status != device.billingStatus) {
            LOG.infof("Device %s billing %s -> %s (subscription %s, event %s)", device.id, device.billingStatus, status,
                    sub.id(), event.id());
        }
        return status;
    }

    /** Stripe's subscription status as the device's billing status; a suspension Parley decided stays until paid. */
    static BillingStatus statusOf(BillingGateway.Subscription sub, Device device) {
        return switch (sub.status()) {
            case "active", "trialing" -> BillingStatus.active;
            case "past_due" -> device.billingStatus == BillingStatus.suspended ? BillingStatus.suspended : BillingStatus.past_due;
            case "unpaid", "paused" -> BillingStatus.suspended;
            case "canceled", "incomplete_expired" -> BillingStatus.canceled;
            default -> BillingStatus.pending_payment;
        };
    }
}
