package dev.parley.billing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Billing on, against the Stripe emulator that scripts/services.sh started (STRIPE_EMULATOR_URL). Every billing
 * test shares this one profile, so the application starts once for all of them.
 */
public class BillingProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "parley.billing.enabled", "true",
                "parley.billing.stripe.api-base", StripeEmulator.url(),
                "parley.billing.stripe.webhook-secret", StripeEmulator.webhookSecret(),
                "parley.billing.stripe.max-retries", "1");
    }
}
