package dev.parley.billing;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one seam to the payment provider (Stripe): every call Parley makes to it, in Parley's terms. Calls block
 * (stripe-java is synchronous): callers run them off the event loop. Writes take an idempotency key, so a retry
 * after a lost answer never charges twice.
 */
public interface BillingGateway {

    /** A plan's price: monthly amount in minor units and its currency, found in Stripe by lookup key. */
    record PlanPrice(String plan, long monthlyAmount, String currency) {

        /** The lookup key of the plan's Stripe price. */
        public String lookupKey() {
            return "parley_" + plan + "_monthly_" + currency + "_" + monthlyAmount;
        }
    }

    /** A started checkout: the session and where the buyer pays. */
    record Checkout(String sessionId, String url) {
    }

    /** A subscription as Stripe holds it now. */
    record Subscription(String id, String customer, String status, String deviceId, String itemId, String priceId,
                        String plan, long quantity, Instant periodStart, Instant periodEnd, boolean cancelAtPeriodEnd) {

        /** Whether the device may be used: paid and current (Stripe's active or trialing). */
        public boolean usable() {
            return "active".equals(status) || "trialing".equals(status);
        }
    }

    /** A verified webhook event: its id, type, the object's id, and the subscription it concerns, if any. */
    record Event(String id, String type, Instant created, String objectId, Optional<String> subscriptionId,
                 Optional<String> deviceId) {
    }

    /** An invoice as the API shows it. */
    record Invoice(String id, String status, long total, long tax, String currency, Instant created, String pdfUrl,
                   String hostedUrl) {
    }

    /** An invoice preview: its total (negative for a credit) and what would be charged. */
    record Preview(long total, long amountDue, String currency) {
    }

    /**
     * Overage of a device's usage period, as an invoice item on its subscription's next invoice. The idempotency key
     * is per device, period and day, so a rerun or a concurrent run of the day's job charges once.
     */
    record OverageCharge(String customerId, String subscriptionId, String deviceId, String period, LocalDate day,
                         long units, long unitPrice, String currency, String description) {

        /** The idempotency key of the day's charge. */
        public String idempotencyKey() {
            return "overage-" + deviceId + "-" + period + "-" + day;
        }
    }

    /** A customer's postal address; {@code country} is ISO 3166-1 alpha-2 and decides the VAT. */
    record Address(String country, String line1, String line2, String city, String postalCode, String state) {
    }

    /** A customer's tax id as Stripe holds it, with its verification status (verified, pending, unverified, unavailable). */
    record TaxId(String id, String customer, String value, String status) {

        /** Whether Stripe verified the number. */
        public boolean verified() {
            return "verified".equals(status);
        }
    }

    /** The Stripe customer of an account, created once (keyed by account id); on a test clock if so configured. */
    String createCustomer(String accountId, String email, String name);

    /** The customer's time: its test clock's (test mode with test clocks), else the real time. */
    Instant now(String customerId);

    /**
     * Moves a subscription item to another price, prorated from {@code prorationDate}: invoiced at once
     * ({@code invoiceNow}, an upgrade) or as a credit on the next invoice (a downgrade).
     */
    Subscription changePrice(String subscriptionId, String itemId, String priceId, Instant prorationDate, boolean invoiceNow);

    /** What {@link #changePrice} would invoice (Stripe's invoice preview), without changing anything. */
    Preview previewChange(String customerId, String subscriptionId, String itemId, String priceId, Instant prorationDate,
                          boolean invoiceNow);

    /** The price id of a plan: found by lookup key, or created with its product (idempotent). */
    String priceFor(PlanPrice price);

    /**
     * Starts Stripe Checkout in subscription mode for one device on {@code priceId}, with the customer's VAT rates;
     * {@code idempotencyKey} names the purchase (a device bought again after a revoked grant is another purchase).
     */
    Checkout startCheckout(String customerId, String priceId, String deviceId, String returnUrl, List<String> taxRateIds,
                           String idempotencyKey);

    /** Stripe's current view of a subscription, or empty when it does not exist. */
    Optional<Subscription> subscription(String subscriptionId);

    /** Ends the subscription at the end of its period (no refund; the device works until then). */
    Subscription cancelAtPeriodEnd(String subscriptionId);

    /** Ends the subscription now, without refund. */
    void cancelNow(String subscriptionId);

    /** Overage units invoiced so far for the device's usage period (from the invoice items' metadata, Stripe's word). */
    long overageInvoiced(String customerId, String deviceId, String period);

    /**
     * Adds an overage charge; false when the day's key was used already with other units (another run of the day
     * charged what it saw; what came after waits for the next day's run).
     */
    boolean addOverage(OverageCharge charge);

    /** Sets the customer's tax-exempt status (Stripe's none, reverse or exempt) and, unless null, its address. */
    void updateCustomer(String customerId, Address address, String taxExempt);

    /** Adds an EU VAT number (eu_vat) to the customer; Stripe verifies it, at once or later (customer.tax_id.updated). */
    TaxId addVatNumber(String customerId, String value);

    /** A tax id as Stripe holds it now. */
    TaxId taxId(String taxIdId);

    /** The id of the Stripe tax rate of a country's VAT (exclusive): found by its metadata, or created once. */
    String taxRateFor(String country, java.math.BigDecimal percentage);

    /** The tax rates of the subscription's invoices from the next one on (empty: none); nothing is prorated. */
    void setTaxRates(String subscriptionId, List<String> taxRateIds);

    /** What the subscription's next invoice comes to now (Stripe's invoice preview). */
    Preview upcoming(String customerId, String subscriptionId);
    /** Ends the subscription now, crediting its unused time to the customer's balance (invoiced at once, never refunded). */
    void cancelProrated(String subscriptionId);

    /**
     * Ends a device's own subscription because the operator granted the device: first it stops naming the device
     * (metadata {@code device} moves to {@code granted_device}), so none of its events, however late, touches the
     * device again; then {@link #cancelProrated}. Ending one that ended already does nothing.
     */
    void endForGrant(String subscriptionId);

    /**
     * Starts the account's aggregated subscription, charged at once: one item per price id with its quantity, metadata
     * {@code aggregated} (no device).
     */
    Subscription startAggregated(String customerId, String accountId, Map<String, Long> quantities, String idempotencyKey);

    /**
     * Sets the aggregated subscription's quantity per price id (an absent price's item is removed): prorated from
     * {@code prorationDate} on the next invoice, or not at all ({@code prorate} false: a removal, no refund).
     */
    Subscription setQuantities(String subscriptionId, Map<String, Long> quantities, boolean prorate, Instant prorationDate,
                               String idempotencyKey);

    /**
     * Moves quantities between the aggregated subscription's items (a device's plan change): prorated from
     * {@code prorationDate}, invoiced at once ({@code invoiceNow}, an upgrade) or credited on the next invoice.
     */
    Subscription changeQuantities(String subscriptionId, Map<String, Long> quantities, Instant prorationDate,
                                  boolean invoiceNow, String idempotencyKey);

    /** What {@link #changeQuantities} would invoice (Stripe's invoice preview), without changing anything. */
    Preview previewQuantities(String customerId, String subscriptionId, Map<String, Long> quantities, Instant prorationDate,
                              boolean invoiceNow);

    /** The subscription's quantity per price id, as Stripe holds it now. */
    Map<String, Long> quantities(String subscriptionId);

    /** The customer's invoices, newest first (at most {@code limit}). */
    List<Invoice> invoices(String customerId, int limit);

    /** Verifies a webhook's signature over the raw body; throws {@link InvalidSignature} if it does not hold. */
    Event verify(String payload, String signatureHeader);

    /** A webhook whose signature, timestamp or payload cannot be trusted. */
    final class InvalidSignature extends RuntimeException {

        /** With the reason, never the payload. */
        public InvalidSignature(String reason) {
            super(reason);
        }
    }
}
