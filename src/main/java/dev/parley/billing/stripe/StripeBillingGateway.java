package dev.parley.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.exception.StripeException;
import com.stripe.model.HasId;
import com.stripe.model.Price;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeObject;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.InvoiceCreatePreviewParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.SubscriptionCancelParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.testhelpers.TestClockCreateParams;
import dev.parley.billing.BillingConfig;
import dev.parley.billing.BillingFailure;
import dev.parley.billing.BillingGateway;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link BillingGateway} over stripe-java's {@link StripeClient}: with {@link StripeInvoicing} (its invoicing part) and
 * {@link StripeQuantities} (the aggregated subscription's), the only classes that speak Stripe's types.
 */
@ApplicationScoped
public class StripeBillingGateway implements BillingGateway {

    private final StripeClient stripe;
    private final StripeInvoicing invoicing;
    private final StripeQuantities quantities;
    private final BillingConfig config;
    private final Clock clock;

    public StripeBillingGateway(BillingConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.stripe = StripeClient.builder()
                .setApiKey(config.stripe().apiKey())
                .setApiBase(config.stripe().apiBase())
                .setMaxNetworkRetries(config.stripe().maxRetries())
                .build();
        this.invoicing = new StripeInvoicing(stripe);
        this.quantities = new StripeQuantities(stripe);
    }

    @Override
    public String createCustomer(String accountId, String email, String name) {
        return call(() -> {
            CustomerCreateParams.Builder params = CustomerCreateParams.builder()
                    .setEmail(email).setName(name).putMetadata("account", accountId);
            if (config.stripe().testClocks()) {
                Instant start = config.stripe().testClockStart().orElse(clock.instant());
                params.setTestClock(stripe.v1().testHelpers().testClocks().create(TestClockCreateParams.builder()
                        .setFrozenTime(start.getEpochSecond()).setName("account " + accountId).build(),
                        key("clock-" + accountId)).getId());
            }
            return stripe.v1().customers().create(params.build(), key("customer-" + accountId)).getId();
        });
    }

    @Override
    public Instant now(String customerId) {
        if (!config.stripe().testClocks()) {
            return clock.instant();
        }
        return call(() -> {
            String testClock = stripe.v1().customers().retrieve(customerId).getTestClock();
            return testClock == null ? clock.instant()
                    : Instant.ofEpochSecond(stripe.v1().testHelpers().testClocks().retrieve(testClock).getFrozenTime());
        });
    }

    @Override
    public Subscription changePrice(String subscriptionId, String itemId, String priceId, Instant prorationDate,
                                    boolean invoiceNow) {
        return call(() -> view(stripe.v1().subscriptions().update(subscriptionId, SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(itemId).setPrice(priceId).build())
                .setProrationDate(prorationDate.getEpochSecond())
                .setProrationBehavior(invoiceNow ? SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE
                        : SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS)
                .build(), key("price-change-" + subscriptionId + "-" + itemId + "-" + priceId + "-" + prorationDate.getEpochSecond()))));
    }

    @Override
    public Preview previewChange(String customerId, String subscriptionId, String itemId, String priceId,
                                 Instant prorationDate, boolean invoiceNow) {
        return call(() -> {
            com.stripe.model.Invoice preview = stripe.v1().invoices().createPreview(InvoiceCreatePreviewParams.builder()
                    .setCustomer(customerId).setSubscription(subscriptionId)
                    .setSubscriptionDetails(InvoiceCreatePreviewParams.SubscriptionDetails.builder()
                            .addItem(InvoiceCreatePreviewParams.SubscriptionDetails.Item.builder().setId(itemId).setPrice(priceId).build())
                            .setProrationDate(prorationDate.getEpochSecond())
                            .setProrationBehavior(invoiceNow ? InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior.ALWAYS_INVOICE
                                    : InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior.CREATE_PRORATIONS)
                            .build())
                    .build());
            return new Preview(nz(preview.getTotal()), nz(preview.getAmountDue()), preview.getCurrency());
        });
    }

    @Override
    public String priceFor(PlanPrice price) {
        return call(() -> {
            List<Price> found = stripe.v1().prices().list(PriceListParams.builder()
                    .addLookupKey(price.lookupKey()).setActive(true).build()).getData();
            if (!found.isEmpty()) {
                return found.getFirst().getId();
            }
            return stripe.v1().prices().create(PriceCreateParams.builder()
                    .setCurrency(price.currency()).setUnitAmount(price.monthlyAmount())
                    .setLookupKey(price.lookupKey())
                    .setTaxBehavior(PriceCreateParams.TaxBehavior.EXCLUSIVE)
                    .setRecurring(PriceCreateParams.Recurring.builder()
                            .setInterval(PriceCreateParams.Recurring.Interval.MONTH).build())
                    .setProductData(PriceCreateParams.ProductData.builder()
                            .setName("Parley " + price.plan() + " device").putMetadata("plan", price.plan()).build())
                    .putMetadata("plan", price.plan())
                    .build(), key("price-" + price.lookupKey())).getId();
        });
    }

    @Override
    public Checkout startCheckout(String customerId, String priceId, String deviceId, String returnUrl,
                                  List<String> taxRateIds, String idempotencyKey) {
        return call(() -> {
            Session session = stripe.v1().checkout().sessions().create(SessionCreateParams.builder()
                    .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                    .setCustomer(customerId)
                    .setClientReferenceId(deviceId)
                    .addLineItem(SessionCreateParams.LineItem.builder().setPrice(priceId).setQuantity(1L).build())
                    .setSuccessUrl(returnUrl + "?device=" + deviceId + "&checkout=success")
                    .setCancelUrl(returnUrl + "?device=" + deviceId + "&checkout=cancel")
                    .putMetadata("device", deviceId)
                    .setSubscriptionData(SessionCreateParams.SubscriptionData.builder()
                            .putMetadata("device", deviceId).addAllDefaultTaxRate(taxRateIds).build())
                    .build(), key(idempotencyKey));
            return new Checkout(session.getId(), session.getUrl());
        });
    }

    @Override
    public Optional<Subscription> subscription(String subscriptionId) {
        try {
            return Optional.of(view(stripe.v1().subscriptions().retrieve(subscriptionId)));
        } catch (InvalidRequestException e) {
            if (e.getStatusCode() != null && e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw new BillingFailure("Stripe refused reading subscription " + subscriptionId, e);
        } catch (StripeException e) {
            throw new BillingFailure("Stripe could not be reached", e);
        }
    }

    @Override
    public Subscription cancelAtPeriodEnd(String subscriptionId) {
        return call(() -> view(stripe.v1().subscriptions().update(subscriptionId, SubscriptionUpdateParams.builder()
                .setCancelAtPeriodEnd(true).build(), key("cancel-end-" + subscriptionId))));
    }

    @Override
    public void cancelNow(String subscriptionId) {
        call(() -> stripe.v1().subscriptions().cancel(subscriptionId, SubscriptionCancelParams.builder()
                .setProrate(false).build(), key("cancel-now-" + subscriptionId)));
    }

    @Override
    public void updateCustomer(String customerId, Address address, String taxExempt) {
        invoicing.updateCustomer(customerId, address, taxExempt);
    }

    @Override
    public TaxId addVatNumber(String customerId, String value) {
        return invoicing.addVatNumber(customerId, value);
    }

    @Override
    public TaxId taxId(String taxIdId) {
        return invoicing.taxId(taxIdId);
    }

    @Override
    public String taxRateFor(String country, BigDecimal percentage) {
        return invoicing.taxRateFor(country, percentage);
    }

    @Override
    public void setTaxRates(String subscriptionId, List<String> taxRateIds) {
        invoicing.setTaxRates(subscriptionId, taxRateIds);
    }

    @Override
    public Preview upcoming(String customerId, String subscriptionId) {
        return call(() -> {
            com.stripe.model.Invoice preview = stripe.v1().invoices().createPreview(InvoiceCreatePreviewParams.builder()
                    .setCustomer(customerId).setSubscription(subscriptionId).build());
            return new Preview(nz(preview.getTotal()), nz(preview.getAmountDue()), preview.getCurrency());
        });
    }

    @Override
    public void cancelProrated(String subscriptionId) {
        call(() -> stripe.v1().subscriptions().cancel(subscriptionId, SubscriptionCancelParams.builder()
                .setProrate(true).setInvoiceNow(true).build(), key("cancel-prorated-" + subscriptionId)));
    }

    @Override
    public void endForGrant(String subscriptionId) {
        Optional<Subscription> sub = subscription(subscriptionId);
        if (sub.isEmpty() || "canceled".equals(sub.get().status())) {
            return;
        }
        if (sub.get().deviceId() != null && !sub.get().deviceId().isEmpty()) {
            String device = sub.get().deviceId();
            call(() -> stripe.v1().subscriptions().update(subscriptionId, SubscriptionUpdateParams.builder()
                    .putMetadata("device", "").putMetadata("granted_device", device).build(), key("grant-end-" + subscriptionId)));
        }
        cancelProrated(subscriptionId);
    }

    @Override
    public Subscription startAggregated(String customerId, String accountId, Map<String, Long> quantities,
                                        String idempotencyKey) {
        return this.quantities.start(customerId, accountId, quantities, idempotencyKey);
    }

    @Override
    public Subscription setQuantities(String subscriptionId, Map<String, Long> quantities, boolean prorate,
                                      Instant prorationDate, String idempotencyKey) {
        return this.quantities.update(subscriptionId, quantities, prorate ? SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS
                : SubscriptionUpdateParams.ProrationBehavior.NONE, prorate ? prorationDate : null, idempotencyKey);
    }

    @Override
    public Subscription changeQuantities(String subscriptionId, Map<String, Long> quantities, Instant prorationDate,
                                         boolean invoiceNow, String idempotencyKey) {
        return this.quantities.update(subscriptionId, quantities, invoiceNow ? SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE
                : SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS, prorationDate, idempotencyKey);
    }

    @Override
    public Preview previewQuantities(String customerId, String subscriptionId, Map<String, Long> quantities,
                                     Instant prorationDate, boolean invoiceNow) {
        return this.quantities.preview(customerId, subscriptionId, quantities, prorationDate, invoiceNow);
    }

    @Override
    public Map<String, Long> quantities(String subscriptionId) {
        return this.quantities.of(subscriptionId);
    }

    @Override
    public long overageInvoiced(String customerId, String deviceId, String period) {
        return invoicing.overageInvoiced(customerId, deviceId, period);
    }

    @Override
    public boolean addOverage(OverageCharge charge) {
        return invoicing.addOverage(charge);
    }

    @Override
    public List<Invoice> invoices(String customerId, int limit) {
        return call(() -> stripe.v1().invoices().list(InvoiceListParams.builder()
                .setCustomer(customerId).setLimit((long) limit).build()).getData().stream()
                .map(i -> new Invoice(i.getId(), i.getStatus(), nz(i.getTotal()),
                        i.getTotalTaxes() == null ? 0 : i.getTotalTaxes().stream().mapToLong(t -> nz(t.getAmount())).sum(),
                        i.getCurrency(), Instant.ofEpochSecond(nz(i.getCreated())), i.getInvoicePdf(),
                        i.getHostedInvoiceUrl()))
                .toList());
    }

    @Override
    public Event verify(String payload, String signatureHeader) {
        String secret = config.stripe().webhookSecret()
                .orElseThrow(() -> new InvalidSignature("no webhook secret is configured (parley.billing.stripe.webhook-secret)"));
        com.stripe.model.Event event;
        try {
            event = Webhook.constructEvent(payload, signatureHeader == null ? "" : signatureHeader, secret,
                    config.stripe().webhookTolerance().toSeconds(), clock);
        } catch (SignatureVerificationException e) {
            throw new InvalidSignature(e.getMessage());
        } catch (RuntimeException e) {
            throw new InvalidSignature("payload is not a Stripe event");
        }
        StripeObject object;
        try {
            object = event.getDataObjectDeserializer().deserializeUnsafe();
        } catch (EventDataObjectDeserializationException e) {
            throw new InvalidSignature("event " + event.getId() + " carries an object that cannot be read");
        }
        String objectId = null;
        String subscriptionId = null;
        String deviceId = null;
        if (object instanceof com.stripe.model.Subscription s) {
            objectId = s.getId();
            subscriptionId = s.getId();
            deviceId = s.getMetadata() == null ? null : s.getMetadata().get("device");
        } else if (object instanceof Session s) {
            objectId = s.getId();
            subscriptionId = s.getSubscription();
            deviceId = s.getMetadata() == null ? s.getClientReferenceId() : s.getMetadata().get("device");
        } else if (object instanceof com.stripe.model.Invoice i) {
            objectId = i.getId();
            subscriptionId = i.getParent() == null || i.getParent().getSubscriptionDetails() == null ? null
                    : i.getParent().getSubscriptionDetails().getSubscription();
        } else if (object instanceof com.stripe.model.HasId h) {
            objectId = h.getId();
        }
        return new Event(event.getId(), event.getType(), Instant.ofEpochSecond(nz(event.getCreated())), objectId,
                Optional.ofNullable(subscriptionId), Optional.ofNullable(deviceId));
    }

    static Subscription view(com.stripe.model.Subscription s) {
        SubscriptionItem item = s.getItems() == null || s.getItems().getData().isEmpty() ? null
                : s.getItems().getData().getFirst();
        String device = s.getMetadata() == null ? null : s.getMetadata().get("device");
        return new Subscription(s.getId(), s.getCustomer(), s.getStatus(), device,
                item == null ? null : item.getId(),
                item == null || item.getPrice() == null ? null : item.getPrice().getId(),
                item == null || item.getPrice() == null || item.getPrice().getMetadata() == null ? null
                        : item.getPrice().getMetadata().get("plan"),
                item == null ? 0 : nz(item.getQuantity()),
                item == null ? null : Instant.ofEpochSecond(nz(item.getCurrentPeriodStart())),
                item == null ? null : Instant.ofEpochSecond(nz(item.getCurrentPeriodEnd())),
                Boolean.TRUE.equals(s.getCancelAtPeriodEnd()));
    }

    static RequestOptions key(String idempotencyKey) {
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    static long nz(Long value) {
        return value == null ? 0 : value;
    }

    /** A Stripe call whose failures become {@link BillingFailure} (the API answers 503/502). */
    static <T> T call(StripeCall<T> call) {
        try {
            return call.run();
        } catch (StripeException e) {
            throw new BillingFailure("Stripe refused or could not be reached (" + e.getCode() + ")", e);
        }
    }

    /** Every object of a Stripe list, page after page ({@code after}: null for the first page). */
    static <T extends HasId> List<T> all(PageCall<T> page) throws StripeException {
        List<T> all = new ArrayList<>();
        String after = null;
        while (true) {
            StripeCollection<T> got = page.fetch(after);
            all.addAll(got.getData());
            if (!Boolean.TRUE.equals(got.getHasMore()) || got.getData().isEmpty()) {
                return all;
            }
            after = got.getData().getLast().getId();
        }
    }

    @FunctionalInterface
    interface PageCall<T extends HasId> {
        StripeCollection<T> fetch(String after) throws StripeException;
    }

    @FunctionalInterface
    interface StripeCall<T> {
        T run() throws StripeException;
    }
}
