package dev.parley.connector;

import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.support.Api;
import dev.parley.support.StoreFaults;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Receipts and incoming messages are never lost: a receipt that arrives before its send is recorded is applied
 * once it is, and one whose store write fails is tried again, as is an incoming message.
 */
@QuarkusTest
@TestProfile(ShardLeasesTest.FourShards.class)
class ReceiptsAndIncomingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TO = "+447911123001";

    @Inject
    SandboxDriver sandbox;

    @AfterEach
    void heal() {
        StoreFaults.heal();
    }

    @Test
    void with_receipts_before_send_returns_forty_of_forty_messages_end_delivered() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "enterprise");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(Map.of("phone", TO, "message", "fast " + i));
        }
        Response answer = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("messages", items)).post("/v1/messages/bulk");
        answer.then().statusCode(200).body("accepted", equalTo(40));
        List<String> ids = answer.jsonPath().getList("results.id");
        for (String id : ids) {
            Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        }
        assertThat(sandbox.sent(device)).hasSize(40);
    }

    @Test
    void an_incoming_message_that_cannot_be_stored_is_stored_once_the_store_is_back() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        int refusedBefore = StoreFaults.refused();
        StoreFaults.failTable("inbound");
        String waId = sandbox.injectIncoming(device, "+447911555001", null, "are you there?", null);
        Api.await(() -> StoreFaults.refused() > refusedBefore + 1 ? true : null, TIMEOUT,
                () -> "the incoming message's write to be refused and retried");
        StoreFaults.heal();

        List<Map<String, Object>> listed = Api.await(() -> {
            List<Map<String, Object>> list = given().header("Token", tenant.token())
                    .get("/v1/devices/" + device + "/messages").then().statusCode(200).extract().jsonPath().getList("$");
            return list.isEmpty() ? null : list;
        }, TIMEOUT, () -> "the incoming message to be listed");
        assertThat(listed).hasSize(1);
        assertThat(listed.getFirst()).containsEntry("waId", waId).containsEntry("text", "are you there?");
    }
}
