package dev.parley.inbound;

import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class IncomingAndEventsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String CUSTOMER = "+34612345678";

    @Inject
    SandboxDriver sandbox;

    @Test
    void an_incoming_message_is_stored_raises_an_event_and_can_be_answered_in_thread() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");

        String waId = inject(device, Map.of("from", CUSTOMER, "text", "Is my order ready?"));

        List<Map<String, Object>> incoming = Api.await(() -> {
            List<Map<String, Object>> list = given().header("Token", tenant.token())
                    .get("/v1/devices/" + device + "/messages").then().statusCode(200).extract().jsonPath().getList("$");
            return list.isEmpty() ? null : list;
        }, TIMEOUT, () -> "the incoming message to be listed");
        Map<String, Object> message = incoming.getFirst();
        assertThat(message).containsEntry("chat", CUSTOMER).containsEntry("text", "Is my order ready?")
                .containsEntry("waId", waId);
        given().header("Token", tenant.token()).get("/v1/devices/" + device + "/chats").then().statusCode(200)
                .body("data[0].chat", equalTo(CUSTOMER)).body("data[0].messages", equalTo(1));
        // Events show once settled (parley.events.settle), a moment after they happen.
        List<Map<String, Object>> events = Api.await(() -> {
            List<Map<String, Object>> list = given().header("Token", tenant.token())
                    .queryParam("type", "message:in:new").get("/v1/events").then().statusCode(200)
                    .extract().jsonPath().getList("data");
            return list.isEmpty() ? null : list;
        }, TIMEOUT, () -> "the message:in:new event");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst()).containsEntry("device", device);
        assertThat((Map<String, Object>) events.getFirst().get("data")).containsEntry("id", message.get("id"));

        String reply = Api.send(tenant.token(), Map.of("phone", CUSTOMER, "message", "Yes, it ships today",
                "quote", message.get("id")));
        Api.awaitStatus(tenant.token(), reply, "delivered", TIMEOUT).then().body("quote", equalTo(message.get("id")));
        SandboxDriver.SentMessage sent = sandbox.sent(device).getFirst();
        assertThat(sent.quotedWaId()).isEqualTo(waId);
        assertThat(sent.to()).isEqualTo(CUSTOMER);
    }

    @Test
    void a_quote_must_be_an_incoming_message_of_the_same_chat_and_account() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        inject(device, Map.of("from", CUSTOMER, "text", "hello"));
        String incomingId = Api.await(() -> {
            List<String> ids = given().header("Token", tenant.token()).get("/v1/devices/" + device + "/messages")
                    .then().extract().jsonPath().getList("id");
            return ids.isEmpty() ? null : ids.getFirst();
        }, TIMEOUT, () -> "an incoming message");

        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("phone", "+447911123001", "message", "wrong chat", "quote", incomingId))
                .post("/v1/messages").then().statusCode(400).body("field", equalTo("quote"));
        Api.Tenant other = Api.newAccount();
        Api.newDevice(other.token(), "business");
        given().header("Token", other.token()).contentType(ContentType.JSON)
                .body(Map.of("phone", CUSTOMER, "message", "not mine", "quote", incomingId))
                .post("/v1/messages").then().statusCode(404).body("field", equalTo("quote"));
        given().header("Token", other.token()).get("/v1/devices/" + device + "/messages").then().statusCode(404);
    }

    @Test
    void a_plan_without_incoming_counts_messages_but_does_not_expose_them() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "basic");
        inject(device, Map.of("from", CUSTOMER, "text", "anyone?"));

        Api.await(() -> given().header("Token", tenant.token()).get("/v1/devices/" + device + "/usage")
                .then().extract().<Integer>path("inboundHidden") == 1 ? true : null, TIMEOUT, () -> "a hidden count");
        given().header("Token", tenant.token()).get("/v1/devices/" + device + "/messages").then().statusCode(200)
                .body("size()", equalTo(0));
        given().header("Token", tenant.token()).queryParam("type", "message:in:new").get("/v1/events")
                .then().body("data.size()", equalTo(0));
    }

    @Test
    void every_outbound_step_and_device_status_change_is_an_event() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        String id = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "track me"));
        Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("message", id, "status", "read"))
                .post("/v1/operator/sandbox/devices/" + device + "/receipts").then().statusCode(200);
        Api.awaitStatus(tenant.token(), id, "read", TIMEOUT);
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/offline");
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);

        // Events show once settled (parley.events.settle): wait for the last one, the device going offline.
        Response page = Api.await(() -> {
            Response r = given().header("Token", tenant.token()).get("/v1/events");
            return r.jsonPath().getList("data.data.status").contains("offline") ? r : null;
        }, TIMEOUT, () -> "the device's offline event");
        List<String> types = page.jsonPath().getList("data.type");
        assertThat(types).containsSubsequence("device:status:update", "message:out:sent", "message:out:delivered",
                "message:out:read", "device:status:update");
        assertThat(page.jsonPath().getList("data.id")).doesNotHaveDuplicates();
        assertThat(page.jsonPath().<String>getList("data.data.status")).contains("read", "offline");

        List<String> onlySent = given().header("Token", tenant.token()).queryParam("type", "message:out:sent")
                .queryParam("device", device).get("/v1/events").then().extract().jsonPath().getList("data.type");
        assertThat(onlySent).containsExactly("message:out:sent");
        given().header("Token", tenant.token()).queryParam("type", "message:out:lost").get("/v1/events")
                .then().statusCode(400).body("field", equalTo("type"));
    }

    private static String inject(String device, Map<String, Object> body) {
        return given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON).body(body)
                .post("/v1/operator/sandbox/devices/" + device + "/incoming").then().statusCode(200)
                .extract().path("waId");
    }

    private static String onlineDevice(Api.Tenant tenant, String plan) {
        String device = Api.newDevice(tenant.token(), plan);
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        return device;
    }
}
