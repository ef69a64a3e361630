package dev.parley.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.SubscriptionItem;
import com.stripe.param.InvoiceCreatePreviewParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import dev.parley.billing.BillingGateway;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static dev.parley.billing.stripe.StripeBillingGateway.call;
import static dev.parley.billing.stripe.StripeBillingGateway.key;
import static dev.parley.billing.stripe.StripeBillingGateway.nz;
import static dev.parley.billing.stripe.StripeBillingGateway.view;

/**
 * The aggregated subscription's part of {@link StripeBillingGateway}: one item per price with a quantity, started,
 * changed (items added, removed, quantities moved) and previewed.
 */
final class StripeQuantities {

    private final StripeClient stripe;

    StripeQuantities(StripeClient stripe) {
        this.stripe = stripe;
    }

    BillingGateway.Subscription start(String customerId, String accountId, Map<String, Long> quantities, String idempotencyKey) {
        SubscriptionCreateParams.Builder params = SubscriptionCreateParams.builder().setCustomer(customerId)
                .putMetadata("aggregated", "true").putMetadata("account", accountId);
        quantities.forEach((price, quantity) -> params.addItem(SubscriptionCreateParams.Item.builder()
                .setPrice(price).setQuantity(quantity).build()));
        return call(() -> view(stripe.v1().subscriptions().create(params.build(), key(idempotencyKey))));
    }

    /** Sets the quantity per price id (an absent price's item is removed, a new one added) with the proration asked. */
    BillingGateway.Subscription update(String subscriptionId, Map<String, Long> quantities,
                                       SubscriptionUpdateParams.ProrationBehavior behavior, Instant prorationDate,
                                       String idempotencyKey) {
        return call(() -> {
            SubscriptionUpdateParams.Builder params = SubscriptionUpdateParams.builder().setProrationBehavior(behavior);
            if (prorationDate != null) {
                params.setProrationDate(prorationDate.getEpochSecond());
            }
            Map<String, Long> left = new LinkedHashMap<>(quantities);
            for (SubscriptionItem item : items(subscriptionId)) {
                Long quantity = left.remove(item.getPrice().getId());
                params.addItem(quantity == null || quantity == 0
                        ? SubscriptionUpdateParams.Item.builder().setId(item.getId()).setDeleted(true).build()
                        : SubscriptionUpdateParams.Item.builder().setId(item.getId()).setQuantity(quantity).build());
            }
            left.forEach((price, quantity) -> {
                if (quantity > 0) {
                    params.addItem(SubscriptionUpdateParams.Item.builder().setPrice(price).setQuantity(quantity).build());
                }
            });
            return view(stripe.v1().subscriptions().update(subscriptionId, params.build(), key(idempotencyKey)));
        });
    }

    /** What {@link #update} would invoice: now ({@code invoiceNow}) or on the next invoice. */
    BillingGateway.Preview preview(String customerId, String subscriptionId, Map<String, Long> quantities,
                                   Instant prorationDate, boolean invoiceNow) {
        return call(() -> {
            InvoiceCreatePreviewParams.SubscriptionDetails.Builder details = InvoiceCreatePreviewParams.SubscriptionDetails.builder()
                    .setProrationDate(prorationDate.getEpochSecond())
                    .setProrationBehavior(invoiceNow ? InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior.ALWAYS_INVOICE
                            : InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior.CREATE_PRORATIONS);
            Map<String, Long> left = new LinkedHashMap<>(quantities);
            for (SubscriptionItem item : items(subscriptionId)) {
                Long quantity = left.remove(item.getPrice().getId());
                details.addItem(quantity == null || quantity == 0
                        ? InvoiceCreatePreviewParams.SubscriptionDetails.Item.builder().setId(item.getId()).setDeleted(true).build()
                        : InvoiceCreatePreviewParams.SubscriptionDetails.Item.builder().setId(item.getId()).setQuantity(quantity).build());
            }
            left.forEach((price, quantity) -> {
                if (quantity > 0) {
                    details.addItem(InvoiceCreatePreviewParams.SubscriptionDetails.Item.builder().setPrice(price)
                            .setQuantity(quantity).build());
                }
            });
            com.stripe.model.Invoice preview = stripe.v1().invoices().createPreview(InvoiceCreatePreviewParams.builder()
                    .setCustomer(customerId).setSubscription(subscriptionId).setSubscriptionDetails(details.build()).build());
            return new BillingGateway.Preview(nz(preview.getTotal()), nz(preview.getAmountDue()), preview.getCurrency());
        });
    }

    /** The subscription's quantity per price id. */
    Map<String, Long> of(String subscriptionId) {
        return call(() -> {
            Map<String, Long> quantities = new TreeMap<>();
            for (SubscriptionItem item : items(subscriptionId)) {
                quantities.merge(item.getPrice().getId(), nz(item.getQuantity()), Long::sum);
            }
            return quantities;
        });
    }

    private java.util.List<SubscriptionItem> items(String subscriptionId) throws com.stripe.exception.StripeException {
        return stripe.v1().subscriptions().retrieve(subscriptionId).getItems().getData();
    }
}
