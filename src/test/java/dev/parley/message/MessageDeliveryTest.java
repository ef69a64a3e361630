package dev.parley.message;

import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class MessageDeliveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    SandboxDriver sandbox;

    @Test
    void a_text_message_goes_through_the_queue_and_the_connector_to_delivered() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");

        Response accepted = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("phone", "+447911123001", "message", "Hello", "reference", "order-42"))
                .post("/v1/messages");
        accepted.then().statusCode(201).body("status", equalTo("queued")).body("id", notNullValue());
        String id = accepted.path("id");

        Response delivered = Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        delivered.then().body("device", equalTo(device)).body("reference", equalTo("order-42"))
                .body("sentAt", notNullValue()).body("deliveredAt", notNullValue()).body("attempts", equalTo(1));
        // The simulated network saw exactly one send of it: it went through SQS and the connector.
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId).containsExactly(id);
        assertThat(sandbox.sent(device).getFirst().text()).isEqualTo("Hello");
    }

    @Test
    void a_number_not_on_whatsapp_ends_failed_with_a_reason() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        String id = Api.send(tenant.token(), Map.of("phone", "+447911120000", "message", "anyone there?"));

        Api.awaitStatus(tenant.token(), id, "failed", TIMEOUT)
                .then().body("failureReason", equalTo("The number +447911120000 is not on WhatsApp"))
                .body("attempts", equalTo(1));
        assertThat(sandbox.sent(device)).isEmpty();
    }

    @Test
    void a_transient_failure_is_retried_then_fails_with_the_reason() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        String id = Api.send(tenant.token(), Map.of("phone", "+447911129999", "message", "flaky"));

        Api.awaitStatus(tenant.token(), id, "failed", Duration.ofSeconds(60))
                .then().body("attempts", equalTo(4)) // the first and %test.parley.connector.retries=3
                .body("failureReason", equalTo("simulated network error (after 4 attempts)"));
    }

    @Test
    void messages_for_an_offline_device_wait_and_go_out_in_order_when_it_returns() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/offline")
                .then().statusCode(200);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "m" + i)));
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> sandbox.sent(device).isEmpty());
        for (String id : ids) {
            Api.message(tenant.token(), id).then().body("status", equalTo("queued"));
        }
        assertThat(sandbox.sent(device)).isEmpty();

        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/online")
                .then().statusCode(200);
        for (String id : ids) {
            Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        }
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId).containsExactlyElementsOf(ids);
    }

    @Test
    void the_listing_is_newest_first_filtered_and_paginated() {
        Api.Tenant tenant = Api.newAccount();
        String first = Api.newDevice(tenant.token(), "business");
        String second = Api.newDevice(tenant.token(), "business");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "n" + i, "device", first)));
        }
        String failing = Api.send(tenant.token(), Map.of("phone", "+447911120000", "message", "x", "device", second));
        Api.awaitStatus(tenant.token(), failing, "failed", TIMEOUT);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().header("Token", tenant.token()).queryParam("size", 2).queryParam("device", first);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/v1/messages");
            page.then().statusCode(200);
            seen.addAll(page.jsonPath().getList("data.id"));
            cursor = page.path("next");
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(ids.reversed());

        List<String> failed = given().header("Token", tenant.token()).queryParam("status", "failed")
                .get("/v1/messages").then().statusCode(200).extract().jsonPath().getList("data.id");
        assertThat(failed).containsExactly(failing);
    }

    @Test
    void a_deleted_device_is_gone_and_its_waiting_messages_fail() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/offline");
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        String id = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "never"));

        given().header("Token", tenant.token()).delete("/v1/devices/" + device).then().statusCode(204);
        given().header("Token", tenant.token()).get("/v1/devices/" + device).then().statusCode(404);

        Api.awaitStatus(tenant.token(), id, "failed", TIMEOUT)
                .then().body("failureReason", equalTo("The device was deleted before the message was sent"));
    }
}
