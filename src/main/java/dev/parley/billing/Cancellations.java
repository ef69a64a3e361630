package dev.parley.billing;

import dev.parley.common.Blocking;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Cancelling a paid device: its subscription ends at the end of the paid period (no refund), the device sends
 * until then; Stripe's {@code customer.subscription.deleted} at that time disables it ({@link SubscriptionSync}) and
 * the connector fails what still waits for it ("subscription ended").
 */
@ApplicationScoped
public class Cancellations {

    /** The answer to a cancellation: the device works until {@code endsAt}. */
    public record Cancellation(String device, boolean cancelAtPeriodEnd, Instant endsAt) {
    }

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final DeviceService devices;
    private final AggregationRecords aggregation;

    public Cancellations(BillingConfig config, BillingGateway gateway, DeviceService devices, AggregationRecords aggregation) {
        this.config = config;
        this.gateway = gateway;
        this.devices = devices;
        this.aggregation = aggregation;
    }

    /** Cancels the device's subscription at its period end (on a worker thread); cancelling again changes nothing. */
    public Cancellation cancel(String accountId, String deviceId) {
        if (!config.enabled()) {
            throw new ApiException(404, "not-found", "Billing is off: a device without a subscription is removed with"
                    + " DELETE /v1/devices/" + deviceId, null);
        }
        Device device = Blocking.onContext(() -> devices.get(accountId, deviceId));
        if (device.subscriptionId == null || device.billingStatus == BillingStatus.canceled
                || device.billingStatus == BillingStatus.pending_payment) {
            throw new ApiException(409, "billing", "Only a paid device is cancelled; this one is " + device.billingStatus
                    + " (remove it with DELETE /v1/devices/" + deviceId + ")", "device");
        }
        if (device.subscriptionId.equals(Blocking.onContext(() -> aggregation.aggregated(accountId)))) {
            // Stripe ends whole subscriptions at period end, not one unit of an item; lowering the quantity at the
            // period end would need a subscription schedule, which Parley does not keep.
            throw new ApiException(409, "billing", "The device is billed by its account's aggregated subscription, which"
                    + " ends as a whole, not one device at its period end; remove the device with DELETE /v1/devices/"
                    + deviceId + " (it stops at once, no refund)", "device");
        }
        BillingGateway.Subscription sub = gateway.cancelAtPeriodEnd(device.subscriptionId);
        return new Cancellation(device.id, sub.cancelAtPeriodEnd(), sub.periodEnd());
    }
}
