package dev.parley.billing;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.common.Blocking;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import dev.parley.plan.Plan;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Devices the operator gives away (billing on): a granted device is usable at once on the plan the operator chose,
 * with no Stripe subscription and none of the billing rules (no checkout, no 7-day rule, no overage). A device that
 * was paying stops: its own subscription ends with its unused time credited, or its quantity leaves the account's
 * aggregated subscription, credited too. Revoking the grant leaves the device pending payment with a new checkout,
 * like a device just created.
 */
@ApplicationScoped
public class Grants {

    /** A device's grant as the operator sees it; {@code checkoutUrl} once revoked. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GrantView(String account, String device, String plan, BillingStatus billingStatus, Instant grantedAt,
                            String note, String checkoutUrl) {

        static GrantView of(Device d) {
            return new GrantView(d.accountId, d.id, d.plan, d.billingStatus, d.grantedAt, d.grantNote,
                    d.billingStatus == BillingStatus.pending_payment ? d.checkoutUrl : null);
        }
    }

    private static final Logger LOG = Logger.getLogger(Grants.class);
    private static final int MAX_NOTE = 200;

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final BillingRecords records;
    private final DeviceService devices;
    private final DeviceCheckout checkout;
    private final Aggregation aggregation;
    private final Clock clock;

    public Grants(BillingConfig config, BillingGateway gateway, BillingRecords records, DeviceService devices,
                  DeviceCheckout checkout, Aggregation aggregation, Clock clock) {
        this.config = config;
        this.gateway = gateway;
        this.records = records;
        this.devices = devices;
        this.checkout = checkout;
        this.aggregation = aggregation;
        this.clock = clock;
    }

    /** The device's grant, or 409 when it is not granted (on a worker thread). */
    public GrantView get(String accountId, String deviceId) {
        Device device = device(accountId, deviceId);
        if (device.billingStatus != BillingStatus.granted) {
            throw notGranted(device);
        }
        return GrantView.of(device);
    }

    /**
     * Grants the device on {@code planName} (on a worker thread); granting again changes its plan at once. A
     * subscription the device had ends first, credited, so the customer never pays for a granted device.
     */
    public GrantView grant(String accountId, String deviceId, String planName, String note) {
        Device device = device(accountId, deviceId);
        if (planName == null || planName.isBlank()) {
            throw ApiException.invalid("plan", "plan is required: basic, professional, business or enterprise");
        }
        Plan plan = Blocking.onContext(() -> records.plan(planName.trim()));
        if (plan == null) {
            throw ApiException.invalid("plan", "Unknown plan '" + planName + "'; plans are basic, professional, business, enterprise");
        }
        if (note != null && note.length() > MAX_NOTE) {
            throw ApiException.invalid("note", "note is at most " + MAX_NOTE + " characters");
        }
        String paying = device.billingStatus == BillingStatus.canceled ? null : device.subscriptionId;
        Instant now = clock.instant();
        // Granted before its subscription ends, so that end's webhook finds the device granted and leaves it alone.
        Device granted = Blocking.onContext(() -> records.grant(device.id, plan.name, note, now));
        if (paying != null && !aggregation.releaseFromAggregated(device,
                "release-" + device.id + "-" + granted.grantedAt.toEpochMilli())) {
            gateway.endForGrant(paying);
        }
        if (device.subscriptionId != null) {
            // Ended now, or before (canceled): a granted device names no subscription.
            Blocking.onContext(() -> records.endedForGrant(device.id, device.subscriptionId));
        }
        LOG.infof("Device %s of account %s granted on plan %s (was %s)", device.id, accountId, plan.name, device.billingStatus);
        return GrantView.of(granted);
    }

    /** Ends the grant (on a worker thread): the device is pending payment at a new checkout, as a new device is. */
    public GrantView revoke(String accountId, String deviceId) {
        Device device = device(accountId, deviceId);
        if (device.billingStatus != BillingStatus.granted) {
            throw notGranted(device);
        }
        // A new purchase, so a new Checkout session, not the one the device may have had before its grant.
        String url = Blocking.onContext(() -> checkout.checkout(device, "checkout-" + device.id + "-after-grant-"
                + device.grantedAt.toEpochMilli()));
        Device revoked = Blocking.onContext(() -> records.revokeGrant(device.id, url));
        if (revoked == null) {
            throw notGranted(device);
        }
        LOG.infof("Device %s of account %s: grant revoked, pending payment", device.id, accountId);
        return GrantView.of(revoked);
    }

    private Device device(String accountId, String deviceId) {
        if (!config.enabled()) {
            throw new ApiException(404, "not-found", "Billing is off (parley.billing.enabled): every device is free", null);
        }
        return Blocking.onContext(() -> devices.get(accountId, deviceId));
    }

    private static ApiException notGranted(Device device) {
        return new ApiException(409, "not-granted", "Device " + device.id + " is not granted; its billing status is "
                + device.billingStatus, "device");
    }
}
