package dev.parley.billing;

/** Units beyond a plan's included amounts, charged at the plan's overage price per message. */
public final class Overage {

    /** Overage units of a period: messages and media messages beyond what the plan includes. */
    public record Units(long messages, long media) {

        /** Both kinds, charged at one price per unit. */
        public long total() {
            return messages + media;
        }
    }

    private Overage() {
    }

    /** Units beyond {@code included} (null: unlimited) of a count of {@code used}. */
    public static long beyond(long used, Integer included) {
        return included == null ? 0 : Math.max(0, used - included);
    }

    /** The period's overage of a device that sent {@code messages} (of which {@code media} were media). */
    public static Units of(long messages, long media, Integer includedMessages, Integer includedMedia) {
        return new Units(beyond(messages, includedMessages), beyond(media, includedMedia));
    }

    /**
     * Units still to invoice when {@code alreadyInvoiced} were invoiced earlier in the period: the daily job adds
     * only the difference, so a rerun with the same counts adds nothing.
     */
    public static long toInvoice(Units units, long alreadyInvoiced) {
        return Math.max(0, units.total() - alreadyInvoiced);
    }
}
