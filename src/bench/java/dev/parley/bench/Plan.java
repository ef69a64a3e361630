package dev.parley.bench;

import java.time.Duration;

/**
 * Sizes of a bench run. QUICK (under 3 minutes) shortens the rate window to 10 s, so the plans' per-minute limits
 * apply per 10 s; its 80 % drain runs on 22 business devices (1.5 sends/s each, as near as a plan gets to the
 * full run's 20 enterprise devices at 1.67/s), about 26 messages/s in both.
 */
record Plan(Duration loadTime, Duration rateWindow, String drainPlan, int drainPerWindow, int drainDevices,
            int idleSamples, int plainSends,
            int fidelityWindows, int scheduled, Duration scheduleLead, int webhookEvents, int scaleDevices) {

    static final int THREADS = 8;
    static final int BULK_SIZE = 50;

    static final Plan QUICK = new Plan(Duration.ofSeconds(4), Duration.ofSeconds(10), "business", 15, 22, 20, 60, 2, 10,
            Duration.ofSeconds(6), 20, 300);
    static final Plan FULL = new Plan(Duration.ofSeconds(15), Duration.ofMinutes(1), "enterprise", 100, 20, 200, 200, 2, 40,
            Duration.ofSeconds(10), 100, 10_000);

    /** Messages per second that is 80 % of the drain devices' plan capacity. */
    double drainRate() {
        return 0.8 * drainDevices * drainPerWindow * 1000.0 / rateWindow.toMillis();
    }
}
