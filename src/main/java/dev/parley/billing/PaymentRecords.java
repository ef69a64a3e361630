package dev.parley.billing;

import dev.parley.account.AccountRepository;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import dev.parley.device.DeviceRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** The device rows of unpaid invoices: when a payment first failed, who is past the grace period, suspensions. */
@ApplicationScoped
public class PaymentRecords {

    private final DeviceRepository devices;
    private final AccountRepository accounts;

    public PaymentRecords(DeviceRepository devices, AccountRepository accounts) {
        this.devices = devices;
        this.accounts = accounts;
    }

    /** The account's Stripe customer, or null. */
    @WithSession
    public Uni<String> customerOf(String accountId) {
        return accounts.findById(accountId).map(a -> a == null ? null : a.stripeCustomer);
    }

    /**
     * Marks the first failure of the device's unpaid invoice at {@code at}; 0 when it was marked already, so only
     * the first of concurrent or repeated failure events emails the owner.
     */
    @WithTransaction
    public Uni<Integer> markFailed(String deviceId, Instant at) {
        return devices.update("paymentFailedAt = ?1, billingStatus = ?2 where id = ?3 and paymentFailedAt is null"
                + " and billingStatus in (?4, ?2)", at, BillingStatus.past_due, deviceId, BillingStatus.active);
    }

    @WithSession
    public Uni<Device> device(String deviceId) {
        return devices.findById(deviceId);
    }

    /** Devices still in their grace period (past_due since a failed payment), oldest failure first. */
    @WithSession
    public Uni<List<Device>> pastDue(int limit) {
        return devices.find("billingStatus = ?1 and paymentFailedAt is not null order by paymentFailedAt, id",
                BillingStatus.past_due).range(0, limit - 1).list();
    }

    /** Suspends a device still past due; 0 when it was paid (or suspended) meanwhile. */
    @WithTransaction
    public Uni<Integer> suspend(String deviceId) {
        return devices.update("billingStatus = ?1 where id = ?2 and billingStatus = ?3", BillingStatus.suspended, deviceId,
                BillingStatus.past_due);
    }
}
