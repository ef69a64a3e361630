package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.parley.billing.BillingFlows.assertBilling;
import static dev.parley.billing.BillingFlows.awaitBilling;
import static dev.parley.billing.BillingFlows.createDevice;
import static dev.parley.billing.BillingFlows.send;
import static dev.parley.billing.BillingFlows.subscriptionOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Acceptance 1 and 8 of issue 13, against the Stripe emulator over HTTP: a device is bought through Checkout and
 * usable once Stripe's webhook says it is paid; webhooks with a bad signature, a stale timestamp or a replayed id
 * change nothing, and events out of order end in Stripe's state.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class BillingPurchaseTest extends StripeWebhookRegistered {

    @Test
    void a_device_is_pending_payment_until_checkout_completes_then_it_sends() {
        Api.Tenant tenant = Api.newAccount();
        Response created = createDevice(tenant.token(), "basic");
        created.then().statusCode(201).body("billingStatus", equalTo("pending_payment"))
                .body("checkoutUrl", startsWith(StripeEmulator.url() + "/checkout/cs_test_"));
        String device = created.path("id");

        send(tenant.token(), device).then().statusCode(403).contentType("application/problem+json")
                .body("type", containsString("billing")).body("field", equalTo("device"));

        StripeEmulator.completeCheckout(created.path("checkoutUrl"));
        awaitBilling(tenant.token(), device, "active");
        Response view = given().header("Token", tenant.token()).get("/v1/devices/" + device);
        assertThat((String) view.path("checkoutUrl")).isNull();
        assertThat((String) view.path("periodEnd")).isNotNull();
        send(tenant.token(), device).then().statusCode(201);
    }

    private static Response post(String body, String signature) {
        return given().contentType(ContentType.JSON).header("Stripe-Signature", signature).body(body)
                .post("/v1/billing/stripe-webhook");
    }

    @Test
    void the_plan_of_a_paid_device_does_not_change_by_patch() {
        Api.Tenant tenant = Api.newAccount();
        String device = createDevice(tenant.token(), "basic").path("id");
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("plan", "enterprise"))
                .patch("/v1/devices/" + device)
                .then().statusCode(409).body("field", equalTo("plan"));
    }

    @Test
    void bad_signatures_stale_timestamps_and_replays_change_nothing_and_late_events_end_in_stripes_state() {
        Api.Tenant tenant = Api.newAccount();
        Response created = createDevice(tenant.token(), "basic");
        String device = created.path("id");
        StripeEmulator.completeCheckout(created.path("checkoutUrl"));
        awaitBilling(tenant.token(), device, "active");
        String subscription = subscriptionOf(device);

        // Stripe ends the subscription; its deleted event arrives and the device is canceled.
        StripeEmulator.stripe().delete("/v1/subscriptions/" + subscription).then().statusCode(200);
        awaitBilling(tenant.token(), device, "canceled");

        // A stale "active" event arriving late (new id, correctly signed) is re-read against Stripe: still canceled.
        String late = "{\"id\":\"evt_late" + System.nanoTime() + "\",\"object\":\"event\",\"api_version\":\"2026-07-29.dahlia\","
                + "\"created\":1,\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},"
                + "\"type\":\"customer.subscription.updated\",\"data\":{\"object\":{\"id\":\"" + subscription + "\","
                + "\"object\":\"subscription\",\"status\":\"active\",\"metadata\":{\"device\":\"" + device + "\"}}}}";
        post(late, StripeEmulator.sign(late, Instant.now(), StripeEmulator.webhookSecret())).then().statusCode(200);
        assertBilling(tenant.token(), device, "canceled");

        // Replaying it (same id) is acknowledged and ignored.
        post(late, StripeEmulator.sign(late, Instant.now(), StripeEmulator.webhookSecret()))
                .then().statusCode(200).body("duplicate", equalTo(true));

        // A wrong secret, a body changed after signing, a timestamp beyond the tolerance, no header: refused.
        post(late, StripeEmulator.sign(late, Instant.now(), "whsec_wrong"))
                .then().statusCode(400).body("field", equalTo("Stripe-Signature"));
        post(late.replace("active", "trialing"), StripeEmulator.sign(late, Instant.now(), StripeEmulator.webhookSecret()))
                .then().statusCode(400);
        post(late, StripeEmulator.sign(late, Instant.now().minus(Duration.ofMinutes(10)), StripeEmulator.webhookSecret()))
                .then().statusCode(400).body("detail", containsString("tolerance"));
        given().contentType(ContentType.JSON).body(late).post("/v1/billing/stripe-webhook").then().statusCode(400);
        assertBilling(tenant.token(), device, "canceled");
    }
}
