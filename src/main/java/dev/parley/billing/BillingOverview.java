package dev.parley.billing;

import dev.parley.account.Account;
import dev.parley.common.Blocking;
import dev.parley.device.BillingStatus;
import dev.parley.device.Device;
import dev.parley.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What {@code GET /v1/billing} and its invoices show, from PostgreSQL and Stripe. Blocking: on worker threads. */
@ApplicationScoped
public class BillingOverview {

    /** The customer: Stripe id, country, VAT number and whether Stripe verified it, and the tax that follows. */
    public record Customer(String id, String email, String country, String vatNumber, boolean vatVerified,
                           String taxExempt, BigDecimal vatRate) {
    }

    /**
     * A billed device: plan, billing status, end of its period and what its next invoice comes to now; a device the
     * operator granted says since when ({@code grantedAt}) and has no period and no next amount.
     */
    public record DeviceBilling(String id, String name, String plan, BillingStatus billingStatus, Instant periodEnd,
                                Long nextAmount, String currency, Instant grantedAt) {
    }

    /** The account's billing. */
    public record View(Customer customer, List<DeviceBilling> devices) {
    }

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final BillingRecords records;

    public BillingOverview(BillingConfig config, BillingGateway gateway, BillingRecords records) {
        this.config = config;
        this.gateway = gateway;
        this.records = records;
    }

    /** The account's billing now. */
    public View of(String accountId) {
        Account account = account(accountId);
        List<DeviceBilling> devices = new ArrayList<>();
        for (Device d : Blocking.onContext(() -> records.billedDevicesOf(accountId))) {
            Long next = null;
            String currency = null;
            if (d.subscriptionId != null && d.billingStatus != BillingStatus.canceled && d.billingStatus != BillingStatus.granted
                    && account.stripeCustomer != null) {
                BillingGateway.Preview preview = gateway.upcoming(account.stripeCustomer, d.subscriptionId);
                next = preview.total();
                currency = preview.currency();
            }
            devices.add(new DeviceBilling(d.id, d.name, d.plan, d.billingStatus, d.periodEnd, next, currency, d.grantedAt));
        }
        return new View(customer(account), devices);
    }

    /** The account's invoices, newest first (none before its first purchase). */
    public List<BillingGateway.Invoice> invoices(String accountId, int limit) {
        Account account = account(accountId);
        return account.stripeCustomer == null ? List.of() : gateway.invoices(account.stripeCustomer, limit);
    }

    /** The customer part of an account. */
    static Customer customer(Account a) {
        EuVat.Decision decision = EuVat.decide(a.billingCountry, a.vatVerified);
        return new Customer(a.stripeCustomer, a.email, a.billingCountry, a.vatNumber, a.vatVerified,
                decision.exempt().name(), decision.rate().map(EuVat.Rate::percentage).orElse(null));
    }

    private Account account(String accountId) {
        if (!config.enabled()) {
            throw new ApiException(404, "not-found", "Billing is off (parley.billing.enabled)", null);
        }
        Account account = Blocking.onContext(() -> records.account(accountId));
        if (account == null) {
            throw ApiException.notFound("Account", "account");
        }
        return account;
    }
}
