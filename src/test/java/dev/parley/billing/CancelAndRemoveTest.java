package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.parley.billing.BillingFlows.advance;
import static dev.parley.billing.BillingFlows.assertBilling;
import static dev.parley.billing.BillingFlows.awaitBilling;
import static dev.parley.billing.BillingFlows.awaitSent;
import static dev.parley.billing.BillingFlows.buyDevice;
import static dev.parley.billing.BillingFlows.customerOf;
import static dev.parley.billing.BillingFlows.send;
import static dev.parley.billing.BillingFlows.subscriptionOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Acceptance 6 of issue 13 on the emulator's test clock: a device cancelled at period end keeps sending until the
 * period ends, then Stripe's subscription deleted event disables it and its waiting messages end failed with
 * "subscription ended" (events included); a removed device's subscription ends at once, without refund.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class CancelAndRemoveTest extends StripeWebhookRegistered {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TO = "+447911123457";

    @Test
    void a_cancelled_device_sends_until_its_period_ends_then_is_disabled_and_its_waiting_messages_fail() {
        Api.Tenant tenant = Api.newAccount();
        String device = buyDevice(tenant.token(), "basic");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        String customer = customerOf(tenant.accountId());

        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/cancel").then().statusCode(200)
                .body("cancelAtPeriodEnd", equalTo(true)).body("endsAt", equalTo("2026-05-01T00:00:00Z"));
        assertThat((Boolean) StripeEmulator.get("/v1/subscriptions/" + subscriptionOf(device)).path("cancel_at_period_end"))
                .isTrue();

        // Day 20: still paid for, still sending.
        advance(customer, BillingProfile.START.plus(Duration.ofDays(20)));
        assertBilling(tenant.token(), device, "active");
        awaitSent(tenant.token(), Api.send(tenant.token(), Map.of("phone", TO, "message", "day 20", "device", device)));

        // Messages that wait for the device (offline) when the period ends.
        setOnline(device, false);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        List<String> waiting = List.of(
                Api.send(tenant.token(), Map.of("phone", TO, "message", "waiting 1", "device", device)),
                Api.send(tenant.token(), Map.of("phone", TO, "message", "waiting 2", "device", device)));

        advance(customer, BillingProfile.START.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
        awaitBilling(tenant.token(), device, "canceled");
        for (String id : waiting) {
            Api.awaitStatus(tenant.token(), id, "failed", TIMEOUT).then().body("failureReason", equalTo("subscription ended"));
        }
        Api.await(() -> failedEvents(tenant.token()).containsAll(waiting) ? true : null, TIMEOUT,
                () -> "message:out:failed events of " + waiting);
        send(tenant.token(), device).then().statusCode(403).body("type", containsString("billing"));
        assertThat((String) StripeEmulator.get("/v1/subscriptions/" + subscriptionOf(device)).path("status")).isEqualTo("canceled");
    }

    @Test
    void removing_a_paid_device_ends_its_subscription_at_once_without_refund_and_stops_it() {
        Api.Tenant tenant = Api.newAccount();
        String device = buyDevice(tenant.token(), "professional");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        String customer = customerOf(tenant.accountId());
        String subscription = subscriptionOf(device);
        advance(customer, BillingProfile.START.plus(Duration.ofDays(10)));
        setOnline(device, false);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        String waiting = Api.send(tenant.token(), Map.of("phone", TO, "message", "never sent", "device", device));
        int invoices = StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=100").path("data.size()");

        given().header("Token", tenant.token()).delete("/v1/devices/" + device).then().statusCode(204);

        Response sub = StripeEmulator.get("/v1/subscriptions/" + subscription);
        assertThat((String) sub.path("status")).isEqualTo("canceled");
        assertThat(((Number) sub.path("ended_at")).longValue())
                .isEqualTo(BillingProfile.START.plus(Duration.ofDays(10)).getEpochSecond());
        // No refund: no new invoice, no credit waiting, the customer's balance untouched.
        assertThat((Integer) StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=100").path("data.size()"))
                .isEqualTo(invoices);
        assertThat((List<?>) StripeEmulator.get("/v1/invoiceitems?customer=" + customer + "&pending=true&limit=100")
                .path("data")).isEmpty();
        assertThat((Integer) StripeEmulator.get("/v1/customers/" + customer).path("balance")).isZero();

        given().header("Token", tenant.token()).get("/v1/devices/" + device).then().statusCode(404);
        Api.awaitStatus(tenant.token(), waiting, "failed", TIMEOUT)
                .then().body("failureReason", equalTo("The device was deleted before the message was sent"));
    }

    private static List<String> failedEvents(String token) {
        return given().header("Token", token).queryParam("type", "message:out:failed").get("/v1/events")
                .then().statusCode(200).extract().path("data.data.id");
    }

    static void setOnline(String device, boolean online) {
        given().header("Operator-Key", Api.OPERATOR_KEY)
                .post("/v1/operator/sandbox/devices/" + device + (online ? "/online" : "/offline")).then().statusCode(200);
    }
}
