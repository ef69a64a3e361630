package dev.parley.billing;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure billing rules: proration from 00:00 UTC, the 7-day downgrade rule, the VAT decision, overage units. */
class BillingRulesTest {

    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant END = Instant.parse("2026-03-31T00:00:00Z");

    @Test
    void proration_counts_from_midnight_utc_of_the_day_of_the_change() {
        assertThat(Proration.prorationDate(Instant.parse("2026-03-10T17:45:12Z")))
                .isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
        assertThat(Proration.prorationDate(Instant.parse("2026-03-10T00:00:00Z")))
                .isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
    }

    @Test
    void an_upgrade_on_day_ten_of_thirty_charges_twenty_thirtieths_of_the_difference() {
        Instant day10 = Proration.prorationDate(Instant.parse("2026-03-10T15:00:00Z"));
        // 1900 → 3900 cents: 21 days of 30 remain from 00:00 of the 10th (the 10th itself included).
        assertThat(Proration.netAmount(1900, 3900, START, END, Instant.parse("2026-03-10T00:00:00Z")))
                .isEqualTo(Math.round(3900 * 21 / 30.0) - Math.round(1900 * 21 / 30.0));
        assertThat(Proration.netAmount(1900, 3900, START, END, day10)).isEqualTo(2730 - 1330);
    }

    @Test
    void a_downgrade_is_a_credit_and_nothing_remains_at_the_period_end() {
        assertThat(Proration.netAmount(3900, 1900, START, END, Instant.parse("2026-03-16T00:00:00Z"))).isEqualTo(-1000);
        assertThat(Proration.share(3900, START, END, END)).isZero();
        assertThat(Proration.share(3900, START, END, START)).isEqualTo(3900);
        assertThatThrownBy(() -> Proration.share(1, END, START, START)).hasMessageContaining("not after its start");
    }

    @Test
    void an_upgrade_is_allowed_at_once_and_a_downgrade_only_seven_days_after_the_last_change() {
        Duration week = Duration.ofDays(7);
        Instant changed = Instant.parse("2026-03-01T09:30:00Z");
        assertThat(PlanChangeRule.check(1900, 3900, changed, changed.plusSeconds(60), week).allowed()).isTrue();
        PlanChangeRule.Verdict day3 = PlanChangeRule.check(3900, 1900, changed, changed.plus(Duration.ofDays(3)), week);
        assertThat(day3.allowed()).isFalse();
        assertThat(day3.upgrade()).isFalse();
        assertThat(day3.allowedFrom()).isEqualTo(Instant.parse("2026-03-08T09:30:00Z"));
        assertThat(PlanChangeRule.check(3900, 1900, changed, changed.plus(Duration.ofDays(8)), week).allowed()).isTrue();
        assertThat(PlanChangeRule.check(3900, 1900, changed, changed.plus(week), week).allowed()).isTrue();
    }

    @Test
    void eu_customers_without_a_vat_number_pay_their_country_rate_with_one_reverse_charge_others_nothing() {
        assertThat(EuVat.standardRates()).hasSize(27);
        assertThat(EuVat.standardRates().values()).allSatisfy(rate ->
                assertThat(rate).isBetween(new BigDecimal("17"), new BigDecimal("27")));
        EuVat.Decision spain = EuVat.decide("ES", false);
        assertThat(spain.exempt()).isEqualTo(EuVat.TaxExempt.none);
        assertThat(spain.rate()).contains(new EuVat.Rate("ES", new BigDecimal("21")));
        assertThat(EuVat.decide("es", true)).isEqualTo(new EuVat.Decision(EuVat.TaxExempt.reverse, java.util.Optional.empty()));
        assertThat(EuVat.decide("US", false).exempt()).isEqualTo(EuVat.TaxExempt.exempt);
        assertThat(EuVat.decide("GB", false).exempt()).isEqualTo(EuVat.TaxExempt.exempt);
        assertThat(EuVat.decide(null, false).exempt()).isEqualTo(EuVat.TaxExempt.exempt);
        assertThat(EuVat.decide("LU", false).rate().orElseThrow().percentage()).isEqualByComparingTo("17");
        assertThat(EuVat.decide("HU", false).rate().orElseThrow().percentage()).isEqualByComparingTo("27");
    }

    @Test
    void overage_is_what_goes_beyond_the_included_amounts_and_a_rerun_adds_nothing() {
        Overage.Units units = Overage.of(5025, 10, 5000, 500);
        assertThat(units).isEqualTo(new Overage.Units(25, 0));
        assertThat(Overage.of(100, 600, 5000, 500).total()).isEqualTo(100);
        assertThat(Overage.of(1_000_000, 0, null, null).total()).isZero();
        assertThat(Overage.toInvoice(units, 0)).isEqualTo(25);
        assertThat(Overage.toInvoice(units, 25)).isZero();
        assertThat(Overage.toInvoice(Overage.of(5040, 0, 5000, 500), 25)).isEqualTo(15);
    }
}
