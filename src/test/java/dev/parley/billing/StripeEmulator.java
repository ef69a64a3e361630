package dev.parley.billing;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/** The test's side of the Stripe emulator: what a buyer or Stripe itself does, over the emulator's HTTP API. */
final class StripeEmulator {

    private StripeEmulator() {
    }

    static String url() {
        String url = System.getenv("STRIPE_EMULATOR_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("STRIPE_EMULATOR_URL is not set: scripts/services.sh start, then source target/services/env");
        }
        return url;
    }

    static String webhookSecret() {
        String secret = System.getenv("STRIPE_EMULATOR_WEBHOOK_SECRET");
        return secret == null ? "whsec_parley_local_emulator" : secret;
    }

    static RequestSpecification stripe() {
        return RestAssured.given().baseUri(url()).port(-1).auth().oauth2("sk_test_parley").contentType("application/x-www-form-urlencoded");
    }

    static Response post(String path, Map<String, ?> form) {
        Response response = stripe().formParams(form).post(path);
        response.then().statusCode(200);
        return response;
    }

    static Response get(String path) {
        Response response = stripe().get(path);
        response.then().statusCode(200);
        return response;
    }

    /** Registers Parley's webhook URL with the emulator; the answer is the endpoint's id. */
    static String registerWebhook(String url) {
        return post("/v1/webhook_endpoints", Map.of("url", url, "enabled_events[]", "*")).path("id");
    }

    static void deleteWebhook(String id) {
        stripe().delete("/v1/webhook_endpoints/" + id).then().statusCode(200);
    }

    /** The buyer pays on Checkout's page. */
    static void completeCheckout(String checkoutUrl) {
        String session = checkoutUrl.substring(checkoutUrl.lastIndexOf('/') + 1);
        post("/v1/test_helpers/emulator/checkout_sessions/" + session + "/complete", Map.of());
    }

    /** A Stripe-Signature header for {@code body} at {@code at}, signed as Stripe signs. */
    static String sign(String body, Instant at, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            long t = at.getEpochSecond();
            return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
