package dev.parley.billing;

import java.time.Duration;
import java.time.Instant;

/** Upgrades are allowed at any time; a downgrade only once the device has been on its plan for a while (7 days). */
public final class PlanChangeRule {

    /** The outcome: allowed, or refused until {@code allowedFrom}. */
    public record Verdict(boolean allowed, boolean upgrade, Instant allowedFrom) {
    }

    private PlanChangeRule() {
    }

    /**
     * Whether a device whose plan last changed at {@code lastChange} may move from a plan costing
     * {@code currentPrice} to one costing {@code newPrice} at {@code now}.
     */
    public static Verdict check(long currentPrice, long newPrice, Instant lastChange, Instant now, Duration downgradeAfter) {
        if (newPrice >= currentPrice) {
            return new Verdict(true, true, now);
        }
        Instant from = lastChange.plus(downgradeAfter);
        return new Verdict(!now.isBefore(from), false, from);
    }
}
