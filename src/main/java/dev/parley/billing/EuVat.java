package dev.parley.billing;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The VAT decision for a customer: prices are tax-exclusive; an EU customer without a verified VAT number pays
 * their country's standard rate, one with a verified number is reverse-charged, everyone else is exempt.
 */
public final class EuVat {

    /** What Stripe is told: the customer's tax_exempt value and, for {@code none}, the rate to apply. */
    public record Decision(TaxExempt exempt, Optional<Rate> rate) {
    }

    /** Stripe's customer.tax_exempt values. */
    public enum TaxExempt { none, reverse, exempt }

    /** A country's standard VAT rate in percent. */
    public record Rate(String country, BigDecimal percentage) {
    }

    /** Standard rates of the 27 member states (percent, as in force in 2026). */
    static final Map<String, BigDecimal> STANDARD_RATES = Map.ofEntries(
            Map.entry("AT", new BigDecimal("20")), Map.entry("BE", new BigDecimal("21")),
            Map.entry("BG", new BigDecimal("20")), Map.entry("HR", new BigDecimal("25")),
            Map.entry("CY", new BigDecimal("19")), Map.entry("CZ", new BigDecimal("21")),
            Map.entry("DK", new BigDecimal("25")), Map.entry("EE", new BigDecimal("24")),
            Map.entry("FI", new BigDecimal("25.5")), Map.entry("FR", new BigDecimal("20")),
            Map.entry("DE", new BigDecimal("19")), Map.entry("GR", new BigDecimal("24")),
            Map.entry("HU", new BigDecimal("27")), Map.entry("IE", new BigDecimal("23")),
            Map.entry("IT", new BigDecimal("22")), Map.entry("LV", new BigDecimal("21")),
            Map.entry("LT", new BigDecimal("21")), Map.entry("LU", new BigDecimal("17")),
            Map.entry("MT", new BigDecimal("18")), Map.entry("NL", new BigDecimal("21")),
            Map.entry("PL", new BigDecimal("23")), Map.entry("PT", new BigDecimal("23")),
            Map.entry("RO", new BigDecimal("21")), Map.entry("SK", new BigDecimal("23")),
            Map.entry("SI", new BigDecimal("22")), Map.entry("ES", new BigDecimal("21")),
            Map.entry("SE", new BigDecimal("25")));

    private EuVat() {
    }

    /** Whether the ISO 3166-1 alpha-2 code is an EU member state. */
    public static boolean isEu(String country) {
        return country != null && STANDARD_RATES.containsKey(country.toUpperCase(Locale.ROOT));
    }

    /** Every member state's standard rate, for creating Stripe tax rates once. */
    public static Map<String, BigDecimal> standardRates() {
        return STANDARD_RATES;
    }

    /** The decision for a customer in {@code country} (alpha-2; null when not known yet: treated as non-EU). */
    public static Decision decide(String country, boolean verifiedVatNumber) {
        if (!isEu(country)) {
            return new Decision(TaxExempt.exempt, Optional.empty());
        }
        if (verifiedVatNumber) {
            return new Decision(TaxExempt.reverse, Optional.empty());
        }
        String code = country.toUpperCase(Locale.ROOT);
        return new Decision(TaxExempt.none, Optional.of(new Rate(code, STANDARD_RATES.get(code))));
    }
}
