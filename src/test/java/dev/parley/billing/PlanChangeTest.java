package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.parley.billing.BillingFlows.advance;
import static dev.parley.billing.BillingFlows.buyDevice;
import static dev.parley.billing.BillingFlows.customerOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Acceptance 2 of issue 13 on the emulator's test clock: an upgrade on day 10 of a 30-day period is invoiced at once
 * with the difference prorated from 00:00 UTC of day 10; a downgrade 3 days after it is refused with the date it
 * becomes possible; 8 days after, it is accepted as a credit on the next invoice, with no refund.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class PlanChangeTest extends StripeWebhookRegistered {

    @Test
    void upgrade_on_day_ten_is_invoiced_at_once_and_a_downgrade_waits_seven_days() {
        Api.Tenant tenant = Api.newAccount();
        String device = buyDevice(tenant.token(), "basic");
        String customer = customerOf(tenant.accountId());
        Instant start = BillingProfile.START;
        Instant end = start.plus(Duration.ofDays(30));

        // Day 10, mid-afternoon: the change counts from 00:00 UTC of the 10th (21 of 30 days remain).
        Instant day10 = start.plus(Duration.ofDays(9)).plus(Duration.ofHours(15));
        advance(customer, day10);
        long expected = Proration.netAmount(1900, 3900, start, end, Instant.parse("2026-04-10T00:00:00Z"));
        assertThat(expected).isEqualTo(1400);
        given().header("Token", tenant.token()).get("/v1/devices/" + device + "/plan-change?plan=professional")
                .then().statusCode(200).body("upgrade", equalTo(true)).body("allowed", equalTo(true))
                .body("amountDue", equalTo((int) expected)).body("prorationDate", equalTo("2026-04-10T00:00:00Z"));
        change(tenant.token(), device, "professional").then().statusCode(200).body("amountDue", equalTo((int) expected));
        Response invoices = StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=1");
        assertThat((String) invoices.path("data[0].billing_reason")).isEqualTo("subscription_update");
        assertThat((String) invoices.path("data[0].status")).isEqualTo("paid");
        assertThat((Integer) invoices.path("data[0].total")).isEqualTo((int) expected);
        given().header("Token", tenant.token()).get("/v1/devices/" + device).then().body("plan", equalTo("professional"));

        // Three days after the change: refused, saying when it becomes possible.
        advance(customer, day10.plus(Duration.ofDays(3)));
        change(tenant.token(), device, "basic").then().statusCode(409).contentType("application/problem+json")
                .body("field", equalTo("plan")).body("detail", containsString("2026-04-17T15:00:00Z"));

        // Eight days after: accepted as a credit for the rest of the period, on the next invoice (the preview is
        // that invoice: next month at the basic price less the credit).
        advance(customer, day10.plus(Duration.ofDays(8)));
        int paidInvoices = StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=100").path("data.size()");
        long credit = Proration.netAmount(3900, 1900, start, end, Instant.parse("2026-04-18T00:00:00Z"));
        assertThat(credit).isNegative();
        change(tenant.token(), device, "basic").then().statusCode(200).body("upgrade", equalTo(false))
                .body("amount", equalTo((int) (1900 + credit))).body("amountDue", equalTo((int) (1900 + credit)));
        assertThat((Integer) StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=100").path("data.size()"))
                .as("no invoice (and no refund) now").isEqualTo(paidInvoices);
        List<Integer> pending = StripeEmulator.get("/v1/invoiceitems?customer=" + customer + "&pending=true&limit=100")
                .path("data.amount");
        assertThat(pending.stream().mapToLong(Integer::longValue).sum()).isEqualTo(credit);
        given().header("Token", tenant.token()).get("/v1/devices/" + device).then().body("plan", equalTo("basic"));
    }

    private static Response change(String token, String device, String plan) {
        return given().header("Token", token).contentType(ContentType.JSON).body(Map.of("plan", plan))
                .post("/v1/devices/" + device + "/plan-change");
    }
}
