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

    public SubscriptionSync(BillingGateway gateway, BillingRecords records, PaymentFailures payments) {
        this.gateway = gateway;
        this.records = records;
        this.payments = payments;
    }

    /** Handles a verified event on a worker thread: re-reads its subscription and applies it to the device. */
    public void handle(BillingGateway.Event event) {
        Optional<String> subscriptionId = event.subscriptionId();
        if (subscriptionId.isEmpty()) {
            return;
        }
        Optional<BillingGateway.Subscription> found = gateway.subscription(subscriptionId.get());
        if (found.isEmpty() || found.get().deviceId() == null) {
            return;
        }
        BillingGateway.Subscription sub = found.get();
        Device device = Blocking.onContext(() -> records.deviceOf(sub.customer(), sub.deviceId()));
        if (device == null) {
            // Another deployment's customer, or a device deleted since: nothing of ours to change.
            return;
        }
        BillingStatus status = statusOf(sub, device);
        Instant failedAt = status == BillingStatus.past_due || status == BillingStatus.suspended
                ? payments.failed(device, sub.customer()) : null;
        Blocking.onContext(() -> records.applySubscription(device.id, sub.id(), status, sub.periodEnd(), failedAt,
                sub.plan(), sub.periodStart()));
        if (status != device.billingStatus) {
            LOG.infof("Device %s billing %s -> %s (subscription %s, event %s)", device.id, device.billingStatus, status,
                    sub.id(), event.id());
        }
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
