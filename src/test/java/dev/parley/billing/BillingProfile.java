package dev.parley.billing;

import dev.parley.support.GreenMailResource;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Billing on, against the Stripe emulator that scripts/services.sh started (STRIPE_EMULATOR_URL), emailing owners
 * through GreenMail. Every billing test shares this one profile, so the application starts once for all of them.
 */
public class BillingProfile implements QuarkusTestProfile {

    /** 00:00 UTC on 1 April: a subscription bought then has a 30-day first period. */
    static final java.time.Instant START = java.time.Instant.parse("2026-04-01T00:00:00Z");

    /** Messages a basic month includes in billing tests (the plans table says 5,000). */
    static final int BASIC_INCLUDED_MESSAGES = 10;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GreenMailResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "parley.billing.enabled", "true",
                "parley.billing.stripe.api-base", StripeEmulator.url(),
                "parley.billing.stripe.webhook-secret", StripeEmulator.webhookSecret(),
                "parley.billing.stripe.max-retries", "1",
                // Every customer on its own test clock from the start of a 30-day month, so days are the tests' to move.
                "parley.billing.stripe.test-clocks", "true",
                "parley.billing.stripe.test-clock-start", START.toString()));
        // Overage in seconds (BillingOverageTest): a basic month includes a few messages, sends are paced per second
        // rather than per minute, and the daily job runs only when a test runs it.
        overrides.putAll(Map.of(
                "parley.billing.plans.basic.included-messages", Integer.toString(BASIC_INCLUDED_MESSAGES),
                "parley.billing.plans.basic.included-media", "2",
                "parley.billing.proration-every", "off",
                "parley.connector.rate-window", "1s"));
        return overrides;
    }
}
