package dev.parley.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.StripeException;
import com.stripe.model.TaxRate;
import com.stripe.param.CustomerTaxIdCreateParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.InvoiceItemCreateParams;
import com.stripe.param.InvoiceItemListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.TaxRateCreateParams;
import com.stripe.param.TaxRateListParams;
import com.stripe.param.common.EmptyParam;
import dev.parley.billing.BillingFailure;
import dev.parley.billing.BillingGateway;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

import static dev.parley.billing.stripe.StripeBillingGateway.all;
import static dev.parley.billing.stripe.StripeBillingGateway.call;
import static dev.parley.billing.stripe.StripeBillingGateway.key;
import static dev.parley.billing.stripe.StripeBillingGateway.nz;

/**
 * The invoicing part of {@link StripeBillingGateway}: customers' tax status and address, VAT numbers, tax rates, and
 * overage invoice items.
 */
final class StripeInvoicing {

    /** The metadata value marking Parley's overage invoice items. */
    private static final String OVERAGE = "overage";

    private final StripeClient stripe;

    StripeInvoicing(StripeClient stripe) {
        this.stripe = stripe;
    }

    void updateCustomer(String customerId, BillingGateway.Address address, String taxExempt) {
        CustomerUpdateParams.Builder params = CustomerUpdateParams.builder()
                .setTaxExempt(CustomerUpdateParams.TaxExempt.valueOf(taxExempt.toUpperCase(Locale.ROOT)));
        if (address != null) {
            params.setAddress(CustomerUpdateParams.Address.builder().setCountry(address.country())
                    .setLine1(address.line1()).setLine2(address.line2()).setCity(address.city())
                    .setPostalCode(address.postalCode()).setState(address.state()).build());
        }
        call(() -> stripe.v1().customers().update(customerId, params.build()));
    }

    BillingGateway.TaxId addVatNumber(String customerId, String value) {
        return call(() -> taxIdView(stripe.v1().customers().taxIds().create(customerId,
                CustomerTaxIdCreateParams.builder().setType(CustomerTaxIdCreateParams.Type.EU_VAT).setValue(value).build(),
                key("tax-id-" + customerId + "-" + value))));
    }

    BillingGateway.TaxId taxId(String taxIdId) {
        return call(() -> taxIdView(stripe.v1().taxIds().retrieve(taxIdId)));
    }

    String taxRateFor(String country, BigDecimal percentage) {
        String name = "vat-" + country + "-" + percentage.stripTrailingZeros().toPlainString();
        return call(() -> {
            for (TaxRate rate : all(after -> stripe.v1().taxRates().list(TaxRateListParams.builder().setActive(true)
                    .setLimit(100L).setStartingAfter(after).build()))) {
                if (rate.getMetadata() != null && name.equals(rate.getMetadata().get("parley"))) {
                    return rate.getId();
                }
            }
            return stripe.v1().taxRates().create(TaxRateCreateParams.builder()
                    .setDisplayName("VAT").setCountry(country).setJurisdiction(country).setPercentage(percentage)
                    .setInclusive(false).setTaxType(TaxRateCreateParams.TaxType.VAT)
                    .setDescription(country + " VAT " + percentage.toPlainString() + " %").putMetadata("parley", name)
                    .build(), key("tax-rate-" + name)).getId();
        });
    }

    void setTaxRates(String subscriptionId, List<String> taxRateIds) {
        SubscriptionUpdateParams.Builder params = SubscriptionUpdateParams.builder()
                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.NONE);
        if (taxRateIds.isEmpty()) {
            params.setDefaultTaxRates(EmptyParam.EMPTY);
        } else {
            params.setDefaultTaxRates(taxRateIds);
        }
        call(() -> stripe.v1().subscriptions().update(subscriptionId, params.build()));
    }

    private static BillingGateway.TaxId taxIdView(com.stripe.model.TaxId t) {
        String customer = t.getCustomer() != null ? t.getCustomer()
                : t.getOwner() == null ? null : t.getOwner().getCustomer();
        return new BillingGateway.TaxId(t.getId(), customer, t.getValue(),
                t.getVerification() == null ? null : t.getVerification().getStatus());
    }

    long overageInvoiced(String customerId, String deviceId, String period) {
        return call(() -> all(after -> stripe.v1().invoiceItems().list(InvoiceItemListParams.builder()
                .setCustomer(customerId).setLimit(100L).setStartingAfter(after).build())).stream()
                .filter(item -> item.getMetadata() != null && OVERAGE.equals(item.getMetadata().get("parley"))
                        && deviceId.equals(item.getMetadata().get("device")) && period.equals(item.getMetadata().get("period"))
                        && !Boolean.TRUE.equals(item.getDeleted()))
                .mapToLong(item -> nz(item.getQuantity())).sum());
    }

    boolean addOverage(BillingGateway.OverageCharge charge) {
        try {
            stripe.v1().invoiceItems().create(InvoiceItemCreateParams.builder()
                    .setCustomer(charge.customerId()).setSubscription(charge.subscriptionId())
                    .setCurrency(charge.currency()).setQuantity(charge.units())
                    .setUnitAmountDecimal(BigDecimal.valueOf(charge.unitPrice()))
                    .setDescription(charge.description())
                    .putMetadata("parley", OVERAGE).putMetadata("device", charge.deviceId())
                    .putMetadata("period", charge.period()).putMetadata("day", charge.day().toString())
                    .build(), key(charge.idempotencyKey()));
            return true;
        } catch (IdempotencyException e) {
            return false;
        } catch (StripeException e) {
            throw new BillingFailure("Stripe refused or could not be reached (" + e.getCode() + ")", e);
        }
    }
}
