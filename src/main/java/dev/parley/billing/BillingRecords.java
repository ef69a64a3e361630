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
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

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
        return devices.update("planChangedAt = ?1 where id = ?2 and subscriptionId is null", startedAt, deviceId)
                .flatMap(n -> devices.update("subscriptionId = ?1, billingStatus = ?2, periodEnd = ?3, paymentFailedAt = ?4,"
                                + " checkoutUrl = null, plan = coalesce(?5, plan) where id = ?6 and billingStatus is not null"
                                + " and (subscriptionId is null or subscriptionId = ?1)",
                        subscriptionId, status, periodEnd, paymentFailedAt, plan, deviceId));
    }

    /** Records a plan change made through Stripe at {@code at} (the customer's time). */
    @WithTransaction
    public Uni<Integer> changedPlan(String deviceId, String plan, Instant at) {
        return devices.update("plan = ?1, planChangedAt = ?2 where id = ?3", plan, at, deviceId);
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
