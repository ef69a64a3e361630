package dev.parley.billing;

import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.BeforeEach;

import java.net.URL;

/**
 * A billing test whose app receives the Stripe emulator's events: the emulator is told this app's webhook before
 * each test (once per app; {@link BillingFlows#ensureWebhook}).
 */
abstract class StripeWebhookRegistered {

    @TestHTTPResource("/v1/billing/stripe-webhook")
    URL webhookUrl;

    @BeforeEach
    void registerWebhook() {
        BillingFlows.ensureWebhook(webhookUrl.toString());
    }
}
