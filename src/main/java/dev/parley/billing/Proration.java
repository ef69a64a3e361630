package dev.parley.billing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Proration of a plan change: it counts from 00:00 UTC of the day of the change (the modelled service prorates
 * per day), over the rest of the billing period, as Stripe computes it: credit for the unused time of the old
 * price, charge for the same time at the new price, each rounded to the cent.
 */
public final class Proration {

    private Proration() {
    }

    /** The {@code proration_date} Stripe is given: the start of the UTC day containing {@code now}. */
    public static Instant prorationDate(Instant now) {
        return now.truncatedTo(ChronoUnit.DAYS);
    }

    /**
     * The net amount in minor units (cents) of moving from {@code oldAmount} to {@code newAmount} (per period) at
     * {@code date}, within the period [{@code start}, {@code end}); negative for a downgrade (a credit).
     */
    public static long netAmount(long oldAmount, long newAmount, Instant start, Instant end, Instant date) {
        return share(newAmount, start, end, date) - share(oldAmount, start, end, date);
    }

    /** The part of {@code amount} for the time from {@code date} to {@code end}, rounded half up to the cent. */
    public static long share(long amount, Instant start, Instant end, Instant date) {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("period end " + end + " is not after its start " + start);
        }
        long total = end.getEpochSecond() - start.getEpochSecond();
        long remaining = Math.clamp(end.getEpochSecond() - date.getEpochSecond(), 0, total);
        return Math.round((double) amount * remaining / total);
    }
}
