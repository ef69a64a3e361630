package dev.parley.billing;

import dev.parley.account.AccountRepository;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import dev.parley.device.DeviceRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The account's aggregated subscription and which of its devices it pays for, in PostgreSQL. */
@ApplicationScoped
public class AggregationRecords {

    private final AccountRepository accounts;
    private final DeviceRepository devices;

    public AggregationRecords(AccountRepository accounts, DeviceRepository devices) {
        this.accounts = accounts;
        this.devices = devices;
    }

    /** The account's aggregated subscription, or null while each device has its own. */
    @WithSession
    public Uni<String> aggregated(String accountId) {
        return accounts.findById(accountId).map(a -> a == null ? null : a.aggregatedSubscription);
    }

    /** Devices with a paid subscription (active, past due or suspended), in creation order. */
    @WithSession
    public Uni<List<Device>> paidDevices(String accountId) {
        return devices.list("accountId = ?1 and subscriptionId is not null and billingStatus in (?2, ?3, ?4)"
                        + " order by createdAt, id", accountId, BillingStatus.active, BillingStatus.past_due,
                BillingStatus.suspended);
    }

    /** Devices paid for by the subscription. */
    @WithSession
    public Uni<List<Device>> devicesOf(String subscriptionId) {
        return devices.list("subscriptionId = ?1", subscriptionId);
    }

    /** Stores the account's aggregated subscription unless one was stored first; the stored one is the answer. */
    @WithTransaction
    public Uni<String> keepAggregated(String accountId, String subscriptionId) {
        return accounts.update("aggregatedSubscription = ?1 where id = ?2 and aggregatedSubscription is null",
                subscriptionId, accountId).flatMap(n -> accounts.findById(accountId)).map(a -> a.aggregatedSubscription);
    }

    /** The account's aggregated subscription ended (its last device was removed): the next move starts a new one. */
    @WithTransaction
    public Uni<Integer> dropAggregated(String accountId, String subscriptionId) {
        return accounts.update("aggregatedSubscription = null where id = ?1 and aggregatedSubscription = ?2",
                accountId, subscriptionId);
    }

    /** Points the device at the aggregated subscription, unless it moved meanwhile. */
    @WithTransaction
    public Uni<Integer> moveTo(String deviceId, String from, String to) {
        return devices.update("subscriptionId = ?1 where id = ?2 and subscriptionId = ?3", to, deviceId, from);
    }
}
