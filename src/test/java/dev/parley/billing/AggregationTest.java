package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.parley.billing.BillingFlows.advance;
import static dev.parley.billing.BillingFlows.assertBilling;
import static dev.parley.billing.BillingFlows.buyDevice;
import static dev.parley.billing.BillingFlows.customerOf;
import static dev.parley.billing.BillingFlows.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance 5 of issue 13, with the threshold at 3 paid devices in tests (20 in production): the 4th device moves
 * the account to one aggregated subscription with a quantity per plan, the per-device subscriptions' unused time
 * credited; the monthly total is the sum of the devices' prices, charged once a month; removing a device keeps the
 * account aggregated with the total still the sum of the devices left, without refund. A device inside it changes
 * plan as one unit moving between items, under the same rules; cancelling it alone at period end is a 409.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class AggregationTest extends StripeWebhookRegistered {

    @Test
    void the_device_beyond_the_threshold_moves_the_account_to_one_aggregated_subscription_and_removal_keeps_it_right() {
        Api.Tenant tenant = Api.newAccount();
        List<String> devices = new java.util.ArrayList<>(List.of(buyDevice(tenant.token(), "basic"),
                buyDevice(tenant.token(), "basic"), buyDevice(tenant.token(), "professional")));
        String customer = customerOf(tenant.accountId());
        assertThat(activeSubscriptions(customer)).hasSize(3);

        // Day 11 (00:00): 20 of the first period's 30 days remain; the 4th device is bought through its own Checkout.
        Instant start = BillingProfile.START;
        Instant day11 = start.plus(Duration.ofDays(10));
        advance(customer, day11);
        devices.add(buyDevice(tenant.token(), "business"));

        List<Map<String, Object>> active = Api.await(() -> {
            List<Map<String, Object>> subs = activeSubscriptions(customer);
            return subs.size() == 1 && "true".equals(metadata(subs.getFirst()).get("aggregated")) ? subs : null;
        }, BillingFlows.WEBHOOK_WAIT, () -> "one aggregated subscription; active: " + activeSubscriptions(customer));
        String aggregated = (String) active.getFirst().get("id");
        assertThat(quantities(aggregated)).isEqualTo(Map.of(1900L, 2L, 3900L, 1L, 7900L, 1L));
        assertThat(monthlyTotal(aggregated)).isEqualTo(2 * 1900 + 3900 + 7900);

        // Prorated, nothing lost: each per-device subscription's unused time is a credit on the customer's balance.
        Instant end = start.plus(Duration.ofDays(30));
        long credit = 2 * Proration.share(1900, start, end, day11) + Proration.share(3900, start, end, day11) + 7900;
        Api.await(() -> balance(customer) == -credit ? true : null, BillingFlows.WEBHOOK_WAIT,
                () -> "a balance of " + -credit + ", it is " + balance(customer));
        for (String device : devices) {
            assertBilling(tenant.token(), device, "active");
        }
        send(tenant.token(), devices.getLast()).then().statusCode(201);

        // One charge a month: the renewal a month later is one invoice of the sum of the devices' prices.
        advance(customer, day11.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
        List<Integer> renewals = StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=100").jsonPath()
                .getList("data.findAll { it.billing_reason == 'subscription_cycle' }.total", Integer.class);
        assertThat(renewals).containsExactly(2 * 1900 + 3900 + 7900);

        // Back to 3 devices: still the one aggregated subscription, its total the 3 devices' prices, no refund.
        long balanceBefore = balance(customer);
        given().header("Token", tenant.token()).delete("/v1/devices/" + devices.getLast()).then().statusCode(204);
        assertThat(activeSubscriptions(customer)).extracting(s -> s.get("id")).containsExactly(aggregated);
        assertThat(quantities(aggregated)).isEqualTo(Map.of(1900L, 2L, 3900L, 1L));
        assertThat(monthlyTotal(aggregated)).isEqualTo(2 * 1900 + 3900);
        assertThat(balance(customer)).isEqualTo(balanceBefore);
        assertThat((List<?>) StripeEmulator.get("/v1/invoiceitems?customer=" + customer + "&pending=true&limit=100")
                .path("data")).isEmpty();
        for (String device : devices.subList(0, 3)) {
            assertBilling(tenant.token(), device, "active");
        }
        send(tenant.token(), devices.getFirst()).then().statusCode(201);
    }

    @Test
    void a_device_inside_the_aggregated_subscription_changes_plan_by_moving_one_unit_and_cannot_cancel_alone() {
        Api.Tenant tenant = Api.newAccount();
        List<String> devices = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            devices.add(buyDevice(tenant.token(), "basic"));
        }
        String customer = customerOf(tenant.accountId());
        String aggregated = Api.await(() -> {
            List<Map<String, Object>> subs = activeSubscriptions(customer);
            return subs.size() == 1 && "true".equals(metadata(subs.getFirst()).get("aggregated"))
                    ? (String) subs.getFirst().get("id") : null;
        }, BillingFlows.WEBHOOK_WAIT, () -> "one aggregated subscription; active: " + activeSubscriptions(customer));
        Instant start = Instant.ofEpochSecond(((Number) StripeEmulator.get("/v1/subscriptions/" + aggregated)
                .path("items.data[0].current_period_start")).longValue());
        Instant end = start.plus(Duration.ofDays(30));
        String device = devices.get(1);

        // Day 10 of the aggregated period, mid-afternoon: one basic unit becomes a professional one, prorated from
        // 00:00 UTC of the day and invoiced at once, exactly as for a device with its own subscription.
        Instant day10 = start.plus(Duration.ofDays(9)).plus(Duration.ofHours(15));
        advance(customer, day10);
        Instant midnight = start.plus(Duration.ofDays(9));
        long upgrade = Proration.netAmount(1900, 3900, start, end, midnight);
        given().header("Token", tenant.token()).get("/v1/devices/" + device + "/plan-change?plan=professional")
                .then().statusCode(200).body("amount", org.hamcrest.Matchers.equalTo((int) upgrade));
        changePlan(tenant.token(), device, "professional").then().statusCode(200)
                .body("amount", org.hamcrest.Matchers.equalTo((int) upgrade));
        assertThat(quantities(aggregated)).isEqualTo(Map.of(1900L, 3L, 3900L, 1L));
        Response invoice = StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=1");
        assertThat((String) invoice.path("data[0].billing_reason")).isEqualTo("subscription_update");
        assertThat(((Number) invoice.path("data[0].total")).longValue()).isEqualTo(upgrade);
        given().header("Token", tenant.token()).get("/v1/devices/" + device).then()
                .body("plan", org.hamcrest.Matchers.equalTo("professional"));

        // The 7-day rule holds for it: 3 days later refused with the date, 8 days later a credit on the next invoice.
        advance(customer, day10.plus(Duration.ofDays(3)));
        changePlan(tenant.token(), device, "basic").then().statusCode(409).body("field", org.hamcrest.Matchers.equalTo("plan"));
        advance(customer, day10.plus(Duration.ofDays(8)));
        long credit = Proration.netAmount(3900, 1900, start, end, midnight.plus(Duration.ofDays(8)));
        changePlan(tenant.token(), device, "basic").then().statusCode(200)
                .body("amount", org.hamcrest.Matchers.equalTo((int) (4 * 1900 + credit)));
        assertThat(quantities(aggregated)).isEqualTo(Map.of(1900L, 4L));
        List<Integer> pending = StripeEmulator.get("/v1/invoiceitems?customer=" + customer + "&pending=true&limit=100")
                .path("data.amount");
        assertThat(pending.stream().mapToLong(Integer::longValue).sum()).isEqualTo(credit);

        // One device cannot end at its period end inside the aggregated subscription: a 409 that says what to do.
        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/cancel").then().statusCode(409)
                .contentType("application/problem+json").body("field", org.hamcrest.Matchers.equalTo("device"))
                .body("detail", org.hamcrest.Matchers.containsString("DELETE /v1/devices/" + device));

        // The operator grants it: its unit leaves the aggregated subscription, the rest of the period credited.
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("plan", "business")).put("/v1/operator/billing/accounts/" + tenant.accountId() + "/devices/"
                        + device + "/grant").then().statusCode(200).body("billingStatus", org.hamcrest.Matchers.equalTo("granted"));
        assertThat(quantities(aggregated)).isEqualTo(Map.of(1900L, 3L));
        long released = -Proration.share(1900, start, end, midnight.plus(Duration.ofDays(8)));
        List<Integer> after = StripeEmulator.get("/v1/invoiceitems?customer=" + customer + "&pending=true&limit=100")
                .path("data.amount");
        assertThat(after.stream().mapToLong(Integer::longValue).sum()).isEqualTo(credit + released);
        send(tenant.token(), device).then().statusCode(201);
        assertBilling(tenant.token(), devices.getFirst(), "active");
    }

    private static Response changePlan(String token, String device, String plan) {
        return given().header("Token", token).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("plan", plan)).post("/v1/devices/" + device + "/plan-change");
    }

    private static List<Map<String, Object>> activeSubscriptions(String customer) {
        return StripeEmulator.get("/v1/subscriptions?customer=" + customer + "&status=active&limit=100").path("data");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> subscription) {
        return (Map<String, Object>) subscription.get("metadata");
    }

    /** Quantity per unit price of the subscription's items. */
    private static Map<Long, Long> quantities(String subscription) {
        Response sub = StripeEmulator.get("/v1/subscriptions/" + subscription);
        List<Integer> units = sub.path("items.data.price.unit_amount");
        List<Integer> quantities = sub.path("items.data.quantity");
        Map<Long, Long> byUnit = new TreeMap<>();
        for (int i = 0; i < units.size(); i++) {
            byUnit.merge(units.get(i).longValue(), quantities.get(i).longValue(), Long::sum);
        }
        return byUnit;
    }

    private static long monthlyTotal(String subscription) {
        return quantities(subscription).entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
    }

    private static long balance(String customer) {
        return ((Number) StripeEmulator.get("/v1/customers/" + customer).path("balance")).longValue();
    }
}
