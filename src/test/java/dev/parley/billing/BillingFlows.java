package dev.parley.billing;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** What billing tests do through Parley's API and the emulator: buy a device, wait for Stripe's word, move time. */
final class BillingFlows {

    static final Duration WEBHOOK_WAIT = Duration.ofSeconds(20);
    private static String endpoint;

    private BillingFlows() {
    }

    /** Registers this JVM's Parley with the emulator once; removed when the JVM ends. */
    static synchronized void ensureWebhook(String url) {
        if (endpoint == null) {
            endpoint = StripeEmulator.registerWebhook(url);
            String id = endpoint;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    StripeEmulator.deleteWebhook(id);
                } catch (RuntimeException | AssertionError e) {
                    // the emulator may be gone already
                }
            }));
        }
    }

    static Response createDevice(String token, String plan) {
        return given().header("Token", token).contentType(ContentType.JSON)
                .body(Map.of("name", "Paid phone", "phone", "+447911123456", "plan", plan)).post("/v1/devices");
    }

    /** A device bought and paid for through Checkout, active once Stripe's webhook came. */
    static String buyDevice(String token, String plan) {
        Response created = createDevice(token, plan);
        created.then().statusCode(201);
        String device = created.path("id");
        StripeEmulator.completeCheckout(created.path("checkoutUrl"));
        awaitBilling(token, device, "active");
        return device;
    }

    static Response send(String token, String device) {
        return given().header("Token", token).contentType(ContentType.JSON)
                .body(Map.of("phone", "+447911123457", "message", "hello", "device", device)).post("/v1/messages");
    }

    /** Waits until the message went out (sent, or already delivered or read). */
    static void awaitSent(String token, String id) {
        await().atMost(WEBHOOK_WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
                java.util.List.of("sent", "delivered", "read").contains(dev.parley.support.Api.message(token, id).<String>path("status")));
    }

    static void awaitBilling(String token, String device, String status) {
        await().atMost(WEBHOOK_WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertBilling(token, device, status));
    }

    static void assertBilling(String token, String device, String status) {
        given().header("Token", token).get("/v1/devices/" + device).then().statusCode(200).body("billingStatus", equalTo(status));
    }

    /** The Stripe customer the emulator holds for a Parley account. */
    static String customerOf(String accountId) {
        return StripeEmulator.get("/v1/events?type=customer.created&limit=100").jsonPath()
                .getString("data.find { it.data.object.metadata.account == '" + accountId + "' }.data.object.id");
    }

    /** The subscription the emulator holds for the device (by the metadata Parley set at checkout). */
    static String subscriptionOf(String device) {
        return StripeEmulator.get("/v1/events?type=customer.subscription.created&limit=100").jsonPath()
                .getString("data.find { it.data.object.metadata.device == '" + device + "' }.data.object.id");
    }

    /** Moves the customer's test clock to {@code at}. */
    static void advance(String customer, Instant at) {
        String clock = StripeEmulator.get("/v1/customers/" + customer).path("test_clock");
        StripeEmulator.post("/v1/test_helpers/test_clocks/" + clock + "/advance", Map.of("frozen_time", at.getEpochSecond()));
    }
}
