package dev.parley.billing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Billing with Stripe ({@code parley.billing.*}); off by default, when every plan is free as before. */
@ConfigMapping(prefix = "parley.billing")
public interface BillingConfig {

    /** Whether devices are paid for through Stripe; false leaves plans free and every device usable. */
    @WithDefault("false")
    boolean enabled();

    /** Currency of the plans' prices (ISO 4217, lower case as Stripe writes it). */
    @WithDefault("eur")
    String currency();

    /** How long a device keeps working after a failed payment before it is suspended. */
    @WithDefault("3d")
    Duration gracePeriod();

    /** How often the jobs role looks for devices whose grace period is over, to suspend them. */
    @WithDefault("1m")
    Duration graceCheck();

    /** Time on a plan before a downgrade is allowed. */
    @WithDefault("7d")
    Duration downgradeAfter();

    /** Devices an account may have with one subscription each; beyond, one aggregated subscription. */
    @WithDefault("20")
    int perDeviceSubscriptionsUpTo();

    /** Where Stripe Checkout sends the buyer after paying (the console's device page). */
    @WithDefault("http://127.0.0.1:8080/console/devices")
    String checkoutReturnUrl();

    /**
     * How often the {@code billing-proration} job runs in a process of the jobs role (a scheduler period such as
     * {@code 24h}, or {@code off}); on AWS an EventBridge schedule fires it daily instead.
     */
    @WithDefault("24h")
    String prorationEvery();

    /**
     * Per plan name, included amounts that replace the plans table's (an operator's tuning without a migration;
     * tests use small ones).
     */
    Map<String, Allowance> plans();

    /** A plan's included amounts a month, each replacing the plans table's when set. */
    interface Allowance {

        /** Messages a month includes before overage. */
        Optional<Integer> includedMessages();

        /** Media messages a month includes before overage. */
        Optional<Integer> includedMedia();
    }

    /** The Stripe client. */
    Stripe stripe();

    /** The Stripe client's settings. */
    interface Stripe {

        /** Secret API key (sk_...); on AWS from Secrets Manager. */
        @WithDefault("sk_test_local")
        String apiKey();

        /** API base URL: Stripe's, or the local emulator's in tests and {@code make run BILLING=1}. */
        @WithDefault("https://api.stripe.com")
        String apiBase();

        /** Network retries of an idempotent request (stripe-java sends an Idempotency-Key with each). */
        @WithDefault("2")
        int maxRetries();

        /** Signing secret of the webhook endpoint (whsec_...); events without a valid signature are refused. */
        Optional<String> webhookSecret();

        /**
         * Test mode only: put each new customer on its own Stripe test clock, so its billing time can be advanced
         * (staging and tests); the customer's time is then the clock's.
         */
        @WithDefault("false")
        boolean testClocks();

        /** Where new test clocks start; the current time if absent. */
        Optional<java.time.Instant> testClockStart();

        /** Oldest webhook timestamp accepted, against replays of a captured request. */
        @WithDefault("5m")
        Duration webhookTolerance();
    }
}
