package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.parley.billing.BillingFlows.assertBilling;
import static dev.parley.billing.BillingFlows.buyDevice;
import static dev.parley.billing.BillingFlows.createDevice;
import static dev.parley.billing.BillingFlows.customerOf;
import static dev.parley.billing.BillingFlows.send;
import static dev.parley.billing.BillingFlows.subscriptionOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * "The operator can grant free devices" (issue 13): with the operator key, a device is granted on a plan, usable at
 * once with no subscription and none of the billing rules; a paying device stops paying (its unused time credited);
 * revoking the grant leaves the device pending payment with a checkout, like any new device.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class GrantTest extends StripeWebhookRegistered {

    @Test
    void a_granted_device_sends_at_once_without_subscription_or_rules_and_needs_one_once_revoked() {
        Api.Tenant tenant = Api.newAccount();
        Response created = createDevice(tenant.token(), "basic");
        String device = created.path("id");
        String firstCheckout = created.path("checkoutUrl");
        send(tenant.token(), device).then().statusCode(403);

        // Only the operator grants, and only a device of the account it names.
        given().contentType(ContentType.JSON).body(Map.of("plan", "business")).put(grantPath(tenant.accountId(), device))
                .then().statusCode(401);
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("plan", "business"))
                .put(grantPath(tenant.accountId(), device)).then().statusCode(401);
        Api.Tenant other = Api.newAccount();
        operator().body(Map.of("plan", "business")).put(grantPath(other.accountId(), device)).then().statusCode(404);
        operator().body(Map.of("plan", "gold")).put(grantPath(tenant.accountId(), device)).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("plan"));
        operator().body(Map.of("plan", "basic", "note", "x".repeat(201))).put(grantPath(tenant.accountId(), device))
                .then().statusCode(400).body("field", equalTo("note"));
        operator().get(grantPath(tenant.accountId(), device)).then().statusCode(409).body("field", equalTo("device"));

        operator().body(Map.of("plan", "business", "note", "launch partner")).put(grantPath(tenant.accountId(), device))
                .then().statusCode(200).body("billingStatus", equalTo("granted")).body("plan", equalTo("business"))
                .body("note", equalTo("launch partner")).body("grantedAt", notNullValue());
        given().header("Token", tenant.token()).get("/v1/devices/" + device).then().statusCode(200)
                .body("billingStatus", equalTo("granted")).body("plan", equalTo("business"))
                .body("checkoutUrl", nullValue()).body("grantNote", nullValue());
        send(tenant.token(), device).then().statusCode(201);
        given().header("Token", tenant.token()).get("/v1/billing").then().statusCode(200)
                .body("devices[0].id", equalTo(device)).body("devices[0].billingStatus", equalTo("granted"))
                .body("devices[0].nextAmount", nullValue()).body("devices[0].grantedAt", notNullValue());

        // The rules of paid devices do not apply: the owner cannot change the plan, the operator changes it either
        // way at once (no 7-day rule), and there is nothing to cancel.
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("plan", "enterprise"))
                .post("/v1/devices/" + device + "/plan-change").then().statusCode(409).body("detail", containsString("operator"));
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("plan", "enterprise"))
                .patch("/v1/devices/" + device).then().statusCode(409);
        operator().body(Map.of("plan", "enterprise")).put(grantPath(tenant.accountId(), device)).then().statusCode(200);
        operator().body(Map.of("plan", "basic")).put(grantPath(tenant.accountId(), device)).then().statusCode(200)
                .body("plan", equalTo("basic"));
        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/cancel").then().statusCode(409);

        // The device's Checkout from before the grant, paid anyway: that subscription ends at once, credited, and the
        // device stays granted.
        StripeEmulator.completeCheckout(firstCheckout);
        String stray = Api.await(() -> subscriptionOf(device), BillingFlows.WEBHOOK_WAIT, () -> "the stray subscription");
        Api.await(() -> "canceled".equals(StripeEmulator.get("/v1/subscriptions/" + stray).path("status")) ? true : null,
                BillingFlows.WEBHOOK_WAIT, () -> "subscription " + stray + " ended");
        assertBilling(tenant.token(), device, "granted");

        // Revoked: pending payment at a new checkout, refused until paid, then a paid device like any other.
        Response revoked = operator().delete(grantPath(tenant.accountId(), device));
        revoked.then().statusCode(200).body("billingStatus", equalTo("pending_payment")).body("grantedAt", nullValue());
        String checkout = revoked.path("checkoutUrl");
        assertThat(checkout).isNotNull().isNotEqualTo(firstCheckout);
        operator().delete(grantPath(tenant.accountId(), device)).then().statusCode(409);
        send(tenant.token(), device).then().statusCode(403).body("field", equalTo("device"));
        StripeEmulator.completeCheckout(checkout);
        BillingFlows.awaitBilling(tenant.token(), device, "active");
        send(tenant.token(), device).then().statusCode(201);
    }

    @Test
    void granting_a_paying_device_ends_its_subscription_with_the_unused_time_credited() {
        Api.Tenant tenant = Api.newAccount();
        String device = buyDevice(tenant.token(), "professional");
        String customer = customerOf(tenant.accountId());
        String subscription = subscriptionOf(device);
        Instant start = BillingProfile.START;
        Instant day11 = start.plus(Duration.ofDays(10));
        BillingFlows.advance(customer, day11);

        operator().body(Map.of("plan", "professional")).put(grantPath(tenant.accountId(), device)).then().statusCode(200)
                .body("billingStatus", equalTo("granted"));
        assertThat((String) StripeEmulator.get("/v1/subscriptions/" + subscription).path("status")).isEqualTo("canceled");
        long credit = Proration.share(3900, start, start.plus(Duration.ofDays(30)), day11);
        assertThat(((Number) StripeEmulator.get("/v1/customers/" + customer).path("balance")).longValue()).isEqualTo(-credit);

        // Another purchase's events come after the ended subscription's: by then Parley has handled that end.
        String second = buyDevice(tenant.token(), "basic");
        assertBilling(tenant.token(), device, "granted");
        send(tenant.token(), device).then().statusCode(201);
        given().header("Token", tenant.token()).get("/v1/billing").then().statusCode(200)
                .body("devices.find { it.id == '" + device + "' }.billingStatus", equalTo("granted"))
                .body("devices.find { it.id == '" + device + "' }.nextAmount", nullValue())
                .body("devices.find { it.id == '" + second + "' }.nextAmount", notNullValue());
    }

    private static String grantPath(String account, String device) {
        return "/v1/operator/billing/accounts/" + account + "/devices/" + device + "/grant";
    }

    private static RequestSpecification operator() {
        return given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON);
    }
}
