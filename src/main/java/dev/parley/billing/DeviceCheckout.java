package dev.parley.billing;

import dev.parley.common.Blocking;
import dev.parley.device.Device;
import dev.parley.device.DevicePurchases;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With billing on, a new device is paid for through Stripe Checkout in subscription mode: the account's customer
 * (created once), the plan's price (found by lookup key or created), and a session whose URL the device shows.
 */
@ApplicationScoped
public class DeviceCheckout implements DevicePurchases {

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final BillingRecords records;
    private final CustomerTaxes taxes;
    private final Aggregation aggregation;
    /** Price ids by lookup key: prices never change under a key, so one look-up per process is enough. */
    private final Map<String, String> prices = new ConcurrentHashMap<>();

    public DeviceCheckout(BillingConfig config, BillingGateway gateway, BillingRecords records,
                          CustomerTaxes taxes, Aggregation aggregation) {
        this.config = config;
        this.taxes = taxes;
        this.gateway = gateway;
        this.records = records;
        this.aggregation = aggregation;
    }

    @Override
    public boolean required() {
        return config.enabled();
    }

    @Override
    public Uni<Device> startPurchase(Device device) {
        return checkout(device, "checkout-" + device.id).flatMap(url -> records.keepCheckout(device.id, url));
    }

    /**
     * A Checkout session for the device on its plan, keyed by {@code idempotencyKey} (one per purchase): its URL.
     * The first invoice carries the customer's VAT as later ones do ({@link CustomerTaxes}).
     */
    Uni<String> checkout(Device device, String idempotencyKey) {
        return customerOf(device.accountId).flatMap(customer -> records.account(device.accountId)
                .flatMap(account -> records.plan(device.plan).flatMap(plan -> {
                    BillingGateway.PlanPrice price = new BillingGateway.PlanPrice(plan.name, plan.monthlyPrice, plan.currency);
                    return Blocking.offLoop(() -> gateway.startCheckout(customer, priceId(price), device.id,
                            config.checkoutReturnUrl(), taxes.taxRatesFor(account), idempotencyKey));
                }))).map(BillingGateway.Checkout::url);
    }

    /**
     * Removing a paid device ends its subscription now, without refund (Stripe's cancel with prorate=false), or takes
     * it out of the account's aggregated subscription, also without refund.
     */
    @Override
    public Uni<Void> endPurchase(Device device) {
        if (device.subscriptionId == null || device.billingStatus == dev.parley.device.BillingStatus.canceled) {
            return Uni.createFrom().voidItem();
        }
        return Blocking.offLoop(() -> {
            if (!aggregation.removeFromAggregated(device)) {
                gateway.cancelNow(device.subscriptionId);
            }
            return null;
        }).replaceWithVoid();
    }

    /** The account's Stripe customer, created on its first paid device. */
    public Uni<String> customerOf(String accountId) {
        return records.account(accountId).flatMap(account -> {
            if (account == null) {
                throw ApiException.notFound("Account", "account");
            }
            if (account.stripeCustomer != null) {
                return Uni.createFrom().item(account.stripeCustomer);
            }
            return Blocking.offLoop(() -> gateway.createCustomer(account.id, account.email, account.name))
                    .flatMap(created -> records.keepCustomer(account.id, created));
        });
    }

    /** The plan's Stripe price id. */
    public String priceId(BillingGateway.PlanPrice price) {
        return prices.computeIfAbsent(price.lookupKey(), key -> gateway.priceFor(price));
    }
}
