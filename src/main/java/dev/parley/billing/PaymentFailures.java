package dev.parley.billing;

import dev.parley.common.Blocking;
import dev.parley.device.Device;
import dev.parley.notify.OwnerNotifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A failed payment: the owner is emailed once, the device keeps working for {@code parley.billing.grace-period}
 * (counted in the customer's time, so a Stripe test clock moves it), then it is suspended: its messages are
 * accepted and held until the invoice is paid, when Stripe's webhook makes it active again.
 */
@ApplicationScoped
public class PaymentFailures {

    private static final Logger LOG = Logger.getLogger(PaymentFailures.class);
    /** Devices suspended per run at most; the next run takes the rest. */
    private static final int BATCH = 200;

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final PaymentRecords payments;
    private final OwnerNotifier notifier;

    public PaymentFailures(BillingConfig config, BillingGateway gateway, PaymentRecords payments, OwnerNotifier notifier) {
        this.config = config;
        this.gateway = gateway;
        this.payments = payments;
        this.notifier = notifier;
    }

    /**
     * The device's subscription has an unpaid invoice (on a worker thread): the first time, records when (the
     * customer's time) and emails the owner. Answers when the grace period started.
     */
    public Instant failed(Device device, String customerId) {
        if (device.paymentFailedAt != null) {
            return device.paymentFailedAt;
        }
        Instant at = gateway.now(customerId);
        if (Blocking.onContext(() -> payments.markFailed(device.id, at)) == 0) {
            Device now = Blocking.onContext(() -> payments.device(device.id));
            return now == null || now.paymentFailedAt == null ? at : now.paymentFailedAt;
        }
        LOG.infof("Payment failed for device=%s account=%s; suspended from %s unless paid", device.id, device.accountId,
                at.plus(config.gracePeriod()));
        email(device, "Parley: payment for device \"" + device.name + "\" failed",
                "The payment for your WhatsApp device \"" + device.name + "\" (id " + device.id + ") failed on " + at
                        + ".\n\nThe device keeps working until " + at.plus(config.gracePeriod()) + ". After that it is"
                        + " suspended: messages you send are accepted and kept, and go out once the invoice is paid."
                        + "\nUpdate your payment method or pay the open invoice to avoid the suspension.\n");
        return at;
    }

    /** Suspends every past-due device whose grace period is over in its customer's time; answers how many. */
    public int suspendOverdue() {
        if (!config.enabled()) {
            return 0;
        }
        List<Device> pastDue = Blocking.onContext(() -> payments.pastDue(BATCH));
        Map<String, Instant> nowOf = new HashMap<>();
        int suspended = 0;
        for (Device device : pastDue) {
            String customer = Blocking.onContext(() -> payments.customerOf(device.accountId));
            Instant now = customer == null ? Instant.now() : nowOf.computeIfAbsent(customer, gateway::now);
            if (now.isBefore(device.paymentFailedAt.plus(config.gracePeriod()))) {
                continue;
            }
            if (Blocking.onContext(() -> payments.suspend(device.id)) > 0) {
                suspended++;
                LOG.infof("Suspended device=%s account=%s: its invoice is unpaid since %s", device.id, device.accountId,
                        device.paymentFailedAt);
                email(device, "Parley: device \"" + device.name + "\" is suspended",
                        "The invoice for your WhatsApp device \"" + device.name + "\" (id " + device.id + ") is unpaid"
                                + " since " + device.paymentFailedAt + ", and its grace period is over.\n\nIts messages"
                                + " are accepted and kept, none is lost; they go out as soon as the invoice is paid.\n");
            }
        }
        return suspended;
    }

    private void email(Device device, String subject, String text) {
        try {
            Blocking.onContext(() -> notifier.email(device.accountId, subject, text));
        } catch (RuntimeException e) {
            // The state changed either way; the owner still sees it in the API and on Stripe's own emails.
            LOG.warnf(e, "Could not email the owner of device=%s about billing", device.id);
        }
    }
}
