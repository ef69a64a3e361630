package dev.parley.billing;

import dev.parley.account.Account;
import dev.parley.account.AccountRepository;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import dev.parley.device.DeviceRepository;
import dev.parley.plan.Plan;
import dev.parley.plan.PlanRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Billing's reads and writes of accounts, devices, plans and handled Stripe events in PostgreSQL. */
@ApplicationScoped
public class BillingRecords {

    private final AccountRepository accounts;
    private final DeviceRepository devices;
    private final PlanRepository plans;

    public BillingRecords(AccountRepository accounts, DeviceRepository devices, PlanRepository plans) {
        this.accounts = accounts;
        this.devices = devices;
        this.plans = plans;
    }

    @WithSession
    public Uni<Account> account(String id) {
        return accounts.findById(id);
    }

    @WithSession
    public Uni<Plan> plan(String name) {
        return plans.findById(name);
    }

    /** Stores the account's Stripe customer unless one was stored first; the stored one is the answer. */
    @WithTransaction
    public Uni<String> keepCustomer(String accountId, String customerId) {
        return accounts.update("stripeCustomer = ?1 where id = ?2 and stripeCustomer is null", customerId, accountId)
                .flatMap(n -> accounts.findById(accountId)).map(a -> a.stripeCustomer);
    }

    @WithTransaction
    public Uni<Device> keepCheckout(String deviceId, String url) {
        return devices.update("checkoutUrl = ?1 where id = ?2", url, deviceId).flatMap(n -> devices.findById(deviceId));
    }

    /** The device a subscription pays for, if it belongs to the account of that Stripe customer (tenants stay apart). */
    @WithSession
    public Uni<Device> deviceOf(String customerId, String deviceId) {
        return devices.find("id = ?1 and accountId in (select a.id from Account a where a.stripeCustomer = ?2)",
                deviceId, customerId).firstResult();
    }

    /**
     * Applies Stripe's view of the device's subscription: status, period, and the plan its price stands for. Its
     * first application starts the 7-day rule at the subscription's start ({@code startedAt}, the customer's time).
     */
    @WithTransaction
    public Uni<Integer> applySubscription(String deviceId, String subscriptionId, BillingStatus status, Instant periodEnd,
                                          Instant paymentFailedAt, String plan, Instant startedAt) {
        // A granted device is the operator's: no subscription's word changes it (Grants ends any it still has).
        return devices.update("planChangedAt = ?1 where id = ?2 and subscriptionId is null and billingStatus != ?3",
                        startedAt, deviceId, BillingStatus.granted)
                .flatMap(n -> devices.update("subscriptionId = ?1, billingStatus = ?2, periodEnd = ?3, paymentFailedAt = ?4,"
                                + " checkoutUrl = null, plan = coalesce(?5, plan) where id = ?6 and billingStatus is not null"
                                + " and billingStatus != ?7 and (subscriptionId is null or subscriptionId = ?1)",
                        subscriptionId, status, periodEnd, paymentFailedAt, plan, deviceId, BillingStatus.granted));
    }

    /**
     * Makes the device granted on {@code plan} from {@code at} (a repeated grant changes plan and note, and keeps
     * when it began). The subscription it had stays named until Stripe ended it ({@link #endedForGrant}).
     */
    @WithTransaction
    public Uni<Device> grant(String deviceId, String plan, String note, Instant at) {
        return devices.update("billingStatus = ?1, plan = ?2, grantNote = ?3, grantedAt = coalesce(grantedAt, ?4),"
                                + " planChangedAt = ?4, checkoutUrl = null, periodEnd = null, paymentFailedAt = null where id = ?5",
                        BillingStatus.granted, plan, note, at, deviceId)
                .flatMap(n -> devices.findById(deviceId));
    }

    /** The granted device's former subscription has ended: it names none any more. */
    @WithTransaction
    public Uni<Integer> endedForGrant(String deviceId, String subscriptionId) {
        return devices.update("subscriptionId = null where id = ?1 and subscriptionId = ?2 and billingStatus = ?3",
                deviceId, subscriptionId, BillingStatus.granted);
    }

    /** Ends the device's grant: it is pending payment at {@code checkoutUrl}, like a new device; null if not granted. */
    @WithTransaction
    public Uni<Device> revokeGrant(String deviceId, String checkoutUrl) {
        return devices.update("billingStatus = ?1, checkoutUrl = ?2, grantedAt = null, grantNote = null,"
                                + " subscriptionId = null where id = ?3 and billingStatus = ?4",
                        BillingStatus.pending_payment, checkoutUrl, deviceId, BillingStatus.granted)
                .flatMap(n -> n == 0 ? Uni.createFrom().nullItem() : devices.findById(deviceId));
    }

    /** Records a plan change made through Stripe at {@code at} (the customer's time). */
    @WithTransaction
    public Uni<Integer> changedPlan(String deviceId, String plan, Instant at) {
        return devices.update("plan = ?1, planChangedAt = ?2 where id = ?3", plan, at, deviceId);
    }

    /** One page of devices with a live subscription (active, past due or suspended), by id after {@code afterId}. */
    @WithSession
    public Uni<List<Device>> billedDevices(String afterId, int limit) {
        return devices.find("subscriptionId is not null and billingStatus in ?1 and id > ?2", Sort.by("id"),
                List.of(BillingStatus.active, BillingStatus.past_due, BillingStatus.suspended), afterId)
                .range(0, limit - 1).list();
    }

    /** Stores the account's tax details; answers the account as stored. */
    @WithTransaction
    public Uni<Account> keepTaxDetails(String accountId, String country, String vatNumber, boolean vatVerified) {
        return accounts.update("billingCountry = ?1, vatNumber = ?2, vatVerified = ?3 where id = ?4", country, vatNumber,
                vatVerified, accountId).flatMap(n -> accounts.findById(accountId));
    }

    /** Records Stripe's verification of a VAT number; answers the account that has it, or null when none has. */
    @WithTransaction
    public Uni<Account> vatVerified(String customerId, String vatNumber, boolean verified) {
        return accounts.update("vatVerified = ?1 where stripeCustomer = ?2 and vatNumber = ?3", verified, customerId, vatNumber)
                .flatMap(n -> n == 0 ? Uni.createFrom().nullItem()
                        : accounts.find("stripeCustomer", customerId).firstResult());
    }

    /** The subscriptions of the account's devices that have one and have not ended. */
    @WithSession
    public Uni<List<String>> subscriptionsOf(String accountId) {
        return devices.find("accountId = ?1 and subscriptionId is not null and billingStatus != ?2", accountId,
                BillingStatus.canceled).list().map(list -> list.stream().map(d -> d.subscriptionId).distinct().toList());
    }

    /** The account's billed devices (with a billing status), oldest first. */
    @WithSession
    public Uni<List<Device>> billedDevicesOf(String accountId) {
        return devices.find("accountId = ?1 and billingStatus is not null", Sort.by("createdAt").and("id"), accountId).list();
    }

    @WithSession
    public Uni<Boolean> eventSeen(String eventId) {
        return Panache.getSession().flatMap(session -> session.find(StripeEvent.class, eventId)).map(e -> e != null);
    }

    /** Records a handled event; a concurrent record of the same id is fine (the event was handled either way). */
    @WithTransaction
    public Uni<Void> recordEvent(String eventId, String type, Instant at) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "INSERT INTO stripe_event (id, type, received_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING")
                .setParameter(1, eventId).setParameter(2, type).setParameter(3, at).executeUpdate()).replaceWithVoid();
    }
}
