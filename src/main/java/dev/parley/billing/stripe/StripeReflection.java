package dev.parley.billing.stripe;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The stripe-java classes Parley reads and writes, registered for reflection: stripe-java (de)serializes them with
 * Gson by reflection and ships no native-image metadata, so a native executable needs them listed (nested classes
 * included). {@code StripeReflectionTest} checks that every stripe-java model and parameter class named in this
 * package is listed.
 */
@RegisterForReflection(ignoreNested = false, classNames = {
        "com.stripe.model.Customer", "com.stripe.model.Customer$InvoiceSettings", "com.stripe.model.Address",
        "com.stripe.model.TaxId", "com.stripe.model.TaxId$Verification", "com.stripe.model.TaxRate",
        "com.stripe.model.Product", "com.stripe.model.Price", "com.stripe.model.Price$Recurring",
        "com.stripe.model.PriceCollection", "com.stripe.model.Subscription", "com.stripe.model.SubscriptionItem",
        "com.stripe.model.SubscriptionItemCollection", "com.stripe.model.Invoice", "com.stripe.model.Invoice$Parent",
        "com.stripe.model.Invoice$Parent$SubscriptionDetails", "com.stripe.model.Invoice$TotalTax",
        "com.stripe.model.InvoiceCollection", "com.stripe.model.InvoiceLineItem", "com.stripe.model.InvoiceLineItemCollection",
        "com.stripe.model.InvoiceItem", "com.stripe.model.Event", "com.stripe.model.Event$Data",
        "com.stripe.model.Event$Request", "com.stripe.model.StripeError", "com.stripe.model.checkout.Session",
        "com.stripe.model.testhelpers.TestClock", "com.stripe.model.StripeCollection",
        // Request parameters are turned into form fields through Gson too (ApiRequestParams).
        "com.stripe.param.InvoiceItemCreateParams", "com.stripe.param.InvoiceItemListParams",
        "com.stripe.param.CustomerUpdateParams", "com.stripe.param.CustomerTaxIdCreateParams",
        "com.stripe.param.TaxRateCreateParams", "com.stripe.param.TaxRateListParams",
        "com.stripe.param.SubscriptionUpdateParams", "com.stripe.param.InvoiceCreatePreviewParams",
        "com.stripe.param.checkout.SessionCreateParams", "com.stripe.param.common.EmptyParam",
        "com.stripe.param.CustomerCreateParams", "com.stripe.param.InvoiceListParams",
        "com.stripe.param.PriceCreateParams", "com.stripe.param.PriceListParams",
        "com.stripe.param.SubscriptionCancelParams", "com.stripe.param.SubscriptionCreateParams",
        "com.stripe.param.testhelpers.TestClockCreateParams",
        // Gson reads every model through its base class and the id interface.
        "com.stripe.model.StripeObject", "com.stripe.model.HasId"
})
public final class StripeReflection {

    private StripeReflection() {
    }
}
