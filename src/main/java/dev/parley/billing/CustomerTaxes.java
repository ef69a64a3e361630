package dev.parley.billing;

import dev.parley.account.Account;
import dev.parley.common.Blocking;
import dev.parley.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A customer's country, address and VAT number, and the tax they decide ({@link EuVat}): Stripe's customer
 * tax-exempt status and the tax rates of the account's subscriptions, changed from their next invoice on. A VAT
 * number counts once Stripe verified it (at once, or later through {@code customer.tax_id.updated}). Blocking: runs
 * on worker threads.
 */
@ApplicationScoped
public class CustomerTaxes {

    /** What {@code PUT /v1/billing/customer} takes. */
    public record CustomerRequest(String country, AddressRequest address, String vatNumber) {
    }

    /** The postal address of a customer (all optional). */
    public record AddressRequest(String line1, String line2, String city, String postalCode, String state) {
    }

    private static final Logger LOG = Logger.getLogger(CustomerTaxes.class);
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    /** Member-state prefix, then 2 to 12 digits or letters (each state's own format is Stripe's to check). */
    private static final Pattern VAT_NUMBER = Pattern.compile("[A-Z]{2}[0-9A-Z]{2,12}");
    private static final int MAX_LINE = 200;

    private final BillingConfig config;
    private final BillingGateway gateway;
    private final BillingRecords records;
    private final DeviceCheckout checkout;
    /** Tax rate ids by country and rate: a rate never changes under its name, so one look-up per process. */
    private final Map<String, String> rates = new ConcurrentHashMap<>();

    public CustomerTaxes(BillingConfig config, BillingGateway gateway, BillingRecords records, DeviceCheckout checkout) {
        this.config = config;
        this.gateway = gateway;
        this.records = records;
        this.checkout = checkout;
    }

    /** Stores the customer's details in Parley and Stripe and applies the tax they decide; answers the account. */
    public Account update(String accountId, CustomerRequest body) {
        if (!config.enabled()) {
            throw new ApiException(404, "not-found", "Billing is off (parley.billing.enabled)", null);
        }
        if (body == null || body.country() == null || body.country().isBlank()) {
            throw ApiException.invalid("country", "country is required (ISO 3166-1 alpha-2, e.g. ES)");
        }
        String country = body.country().trim().toUpperCase(Locale.ROOT);
        if (!COUNTRIES.contains(country)) {
            throw ApiException.invalid("country", "'" + body.country() + "' is not an ISO 3166-1 alpha-2 country code");
        }
        BillingGateway.Address address = address(country, body.address());
        String vat = vatNumber(country, body.vatNumber());
        String customer = Blocking.onContext(() -> checkout.customerOf(accountId));
        Account before = Blocking.onContext(() -> records.account(accountId));
        boolean verified = Objects.equals(before.vatNumber, vat) && before.vatVerified;
        if (vat != null && !verified) {
            verified = gateway.addVatNumber(customer, vat).verified();
        }
        boolean vatVerified = verified;
        Account after = Blocking.onContext(() -> records.keepTaxDetails(accountId, country, vat, vatVerified));
        apply(after, customer, address);
        return after;
    }

    /** A tax id changed in Stripe (its verification): the account with that number is re-evaluated. */
    public void taxIdChanged(String taxIdId) {
        BillingGateway.TaxId taxId = gateway.taxId(taxIdId);
        if (taxId.customer() == null || taxId.value() == null) {
            return;
        }
        Account account = Blocking.onContext(() -> records.vatVerified(taxId.customer(), taxId.value(), taxId.verified()));
        if (account != null) {
            LOG.infof("VAT number of account=%s is %s", account.id, taxId.status());
            apply(account, taxId.customer(), null);
        }
    }

    /** The tax rates a new subscription of the account starts with: its country's VAT rate, or none. */
    public List<String> taxRatesFor(Account account) {
        return EuVat.decide(account.billingCountry, account.vatVerified).rate().map(this::rateId)
                .map(List::of).orElse(List.of());
    }

    /** Tells Stripe the customer's tax status and gives the account's subscriptions their rates from the next invoice. */
    private void apply(Account account, String customer, BillingGateway.Address address) {
        EuVat.Decision decision = EuVat.decide(account.billingCountry, account.vatVerified);
        gateway.updateCustomer(customer, address, decision.exempt().name());
        List<String> taxRates = taxRatesFor(account);
        for (String subscription : Blocking.onContext(() -> records.subscriptionsOf(account.id))) {
            gateway.setTaxRates(subscription, taxRates);
        }
    }

    private String rateId(EuVat.Rate rate) {
        return rates.computeIfAbsent(rate.country() + "-" + rate.percentage().toPlainString(),
                key -> gateway.taxRateFor(rate.country(), rate.percentage()));
    }

    private static BillingGateway.Address address(String country, AddressRequest a) {
        if (a == null) {
            return new BillingGateway.Address(country, null, null, null, null, null);
        }
        return new BillingGateway.Address(country, line("address.line1", a.line1()), line("address.line2", a.line2()),
                line("address.city", a.city()), line("address.postalCode", a.postalCode()), line("address.state", a.state()));
    }

    private static String line(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_LINE || value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(field, field + " must be at most " + MAX_LINE + " characters on one line");
        }
        return value.trim();
    }

    /** The VAT number normalized (no spaces, upper case), or null; only EU customers have one, of their country. */
    private static String vatNumber(String country, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String vat = value.replaceAll("[\\s.-]", "").toUpperCase(Locale.ROOT);
        if (!EuVat.isEu(country)) {
            throw ApiException.invalid("vatNumber", "A VAT number applies to customers in the EU only; " + country + " is not");
        }
        String prefix = "GR".equals(country) ? "EL" : country;
        if (!VAT_NUMBER.matcher(vat).matches() || !vat.startsWith(prefix)) {
            throw ApiException.invalid("vatNumber", "vatNumber must be an EU VAT number of " + country
                    + ": '" + prefix + "' then 2 to 12 digits or letters");
        }
        return vat;
    }
}
