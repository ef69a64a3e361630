package dev.parley.support;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;

/** Test helpers that drive the public HTTP API the way a client would. */
public final class Api {

    public static final String OPERATOR_KEY = "test-operator-key";

    private Api() {
    }

    /** A new account with its first token. */
    public record Tenant(String accountId, String token) {
    }

    public static Tenant newAccount() {
        Response response = given().header("Operator-Key", OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("name", "Test " + UUID.randomUUID(), "email", "owner@example.com"))
                .post("/v1/operator/accounts");
        response.then().statusCode(201);
        return new Tenant(response.path("account.id"), response.path("token.token"));
    }

    public static String newDevice(String token, String plan) {
        return given().header("Token", token).contentType(ContentType.JSON)
                .body(Map.of("name", "Phone", "phone", "+447911123456", "plan", plan))
                .post("/v1/devices")
                .then().statusCode(201).extract().path("id");
    }

    public static String send(String token, Map<String, Object> body) {
        return given().header("Token", token).contentType(ContentType.JSON).body(body)
                .post("/v1/messages")
                .then().statusCode(201).extract().path("id");
    }

    public static Response message(String token, String id) {
        return given().header("Token", token).get("/v1/messages/" + id);
    }

    /** Waits until the message has the status, failing with what it had otherwise. */
    public static Response awaitStatus(String token, String id, String status, Duration timeout) {
        return await(() -> {
            Response r = message(token, id);
            return status.equals(r.path("status")) ? r : null;
        }, timeout, () -> "message " + id + " to reach " + status + "; it is " + message(token, id).asString());
    }

    public static Response awaitDeviceStatus(String token, String deviceId, String status, Duration timeout) {
        return await(() -> {
            Response r = given().header("Token", token).get("/v1/devices/" + deviceId);
            return status.equals(r.path("status")) ? r : null;
        }, timeout, () -> "device " + deviceId + " to be " + status);
    }

    public static <T> T await(Supplier<T> probe, Duration timeout, Supplier<String> what) {
        AtomicReference<T> found = new AtomicReference<>();
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                found.set(probe.get());
                return found.get() != null;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out after " + timeout + " waiting for " + what.get());
        }
        return found.get();
    }
}
