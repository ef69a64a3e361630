package dev.parley.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Tokens limited to some devices and read-only tokens, request by request (issue 14, point 3). */
@QuarkusTest
class ScopedTokensTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Api.Tenant tenant;
    private static String deviceA;
    private static String deviceB;
    private static String messageA;
    private static String messageB;
    private static String limitedToA;
    private static String readOnly;

    /** Once, on the first test: the app's port is known only once a test runs. */
    @BeforeEach
    void setUp() {
        if (tenant != null) {
            return;
        }
        tenant = Api.newAccount();
        deviceA = Api.newDevice(tenant.token(), "business");
        deviceB = Api.newDevice(tenant.token(), "business");
        messageA = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "via A", "device", deviceA));
        messageB = Api.send(tenant.token(), Map.of("phone", "+447911123002", "message", "via B", "device", deviceB));
        limitedToA = newToken(Map.of("name", "A only", "devices", List.of(deviceA)))
                .then().statusCode(201).body("devices", equalTo(List.of(deviceA))).body("readOnly", equalTo(false))
                .extract().path("token");
        readOnly = newToken(Map.of("name", "reader", "readOnly", true))
                .then().statusCode(201).body("readOnly", equalTo(true)).extract().path("token");
    }

    /**
     * One request of a scoped token and the status it must get; in path and body {A}, {B} stand for the devices
     * and {mA}, {mB} for a message of each, set up once the app runs.
     */
    record Case(String token, String method, String path, Object body, int status) {
        @Override
        public String toString() {
            return token + " " + method + " " + path + " -> " + status;
        }
    }

    static Stream<Case> cases() {
        Map<String, Object> viaB = Map.of("phone", "+447911123003", "message", "x", "device", "{B}");
        return Stream.of(
                // Limited to device A: A's things answer, B's are unknown, account-wide settings are closed.
                new Case("A", "GET", "/v1/messages/{mA}", null, 200),
                new Case("A", "GET", "/v1/messages/{mB}", null, 404),
                new Case("A", "DELETE", "/v1/messages/{mB}", null, 404),
                new Case("A", "GET", "/v1/messages?device={B}", null, 404),
                new Case("A", "GET", "/v1/messages?device={A}", null, 200),
                new Case("A", "POST", "/v1/messages", viaB, 404),
                new Case("A", "GET", "/v1/devices/{B}", null, 404),
                new Case("A", "PATCH", "/v1/devices/{B}", Map.of("name", "mine"), 404),
                new Case("A", "DELETE", "/v1/devices/{B}", null, 404),
                new Case("A", "GET", "/v1/devices/{B}/messages", null, 404),
                new Case("A", "GET", "/v1/devices/{B}/chats", null, 404),
                new Case("A", "GET", "/v1/devices/{B}/usage", null, 404),
                new Case("A", "GET", "/v1/devices/{B}/qr", null, 404),
                new Case("A", "GET", "/v1/devices/{A}", null, 200),
                new Case("A", "GET", "/v1/devices/{A}/messages", null, 200),
                new Case("A", "GET", "/v1/devices/{A}/chats", null, 200),
                new Case("A", "GET", "/v1/devices/{A}/usage", null, 200),
                new Case("A", "GET", "/v1/events?device={B}", null, 404),
                new Case("A", "GET", "/v1/events", null, 200),
                new Case("A", "POST", "/v1/numbers/check", Map.of("numbers", List.of("+447911123004"), "device", "{B}"), 404),
                new Case("A", "POST", "/v1/devices", Map.of("name", "x", "phone", "+447911123456"), 403),
                new Case("A", "POST", "/v1/tokens", Map.of("name", "wider"), 403),
                new Case("A", "GET", "/v1/tokens", null, 403),
                new Case("A", "GET", "/v1/webhooks", null, 403),
                // Read-only: every read answers, every write is refused.
                new Case("R", "GET", "/v1/messages/{mB}", null, 200),
                new Case("R", "GET", "/v1/devices/{B}/usage", null, 200),
                new Case("R", "GET", "/v1/tokens", null, 200),
                new Case("R", "POST", "/v1/messages", viaB, 403),
                new Case("R", "POST", "/v1/messages/bulk", List.of(viaB), 403),
                new Case("R", "PATCH", "/v1/devices/{A}", Map.of("name", "renamed"), 403),
                new Case("R", "DELETE", "/v1/devices/{A}", null, 403),
                new Case("R", "DELETE", "/v1/messages/{mA}", null, 403),
                new Case("R", "POST", "/v1/tokens", Map.of("name", "writer"), 403),
                new Case("R", "POST", "/v1/webhooks", Map.of("url", "https://example.com/hook"), 403));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void a_scoped_token_gets_the_answer_its_limits_allow(Case c) throws Exception {
        String token = c.token().equals("A") ? limitedToA : readOnly;
        RequestSpecification spec = given().header("Token", token);
        if (c.body() != null) {
            spec = spec.contentType(ContentType.JSON).body(fill(JSON.writeValueAsString(c.body())));
        }
        Response response = spec.request(c.method(), fill(c.path()));
        response.then().statusCode(c.status());
        if (c.status() >= 400) {
            response.then().contentType("application/problem+json");
        }
    }

    @Test
    void a_device_limited_token_lists_and_sends_through_its_devices_only() {
        List<String> devices = given().header("Token", limitedToA).get("/v1/devices").then().statusCode(200)
                .extract().jsonPath().getList("data.id");
        assertThat(devices).containsExactly(deviceA);
        List<String> messages = given().header("Token", limitedToA).get("/v1/messages").then().statusCode(200)
                .extract().jsonPath().getList("data.id");
        assertThat(messages).contains(messageA).doesNotContain(messageB);

        // Without a device the message goes through the token's device, never another one.
        String sent = Api.send(limitedToA, Map.of("phone", "+447911123005", "message", "default device"));
        Api.message(tenant.token(), sent).then().body("device", equalTo(deviceA));

        given().header("Token", limitedToA).contentType(ContentType.JSON)
                .body(List.of(Map.of("phone", "+447911123006", "message", "bulk via B", "device", deviceB)))
                .post("/v1/messages/bulk").then().statusCode(200)
                .body("results[0].error.status", equalTo(404)).body("results[0].error.field", equalTo("[0].device"));
    }

    @Test
    void a_read_only_token_cannot_upload_files() {
        given().header("Token", readOnly).multiPart("file", "a.txt", "hello".getBytes()).post("/v1/files")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void a_token_can_only_be_limited_to_the_accounts_own_devices() {
        Api.Tenant other = Api.newAccount();
        String foreign = Api.newDevice(other.token(), "basic");
        newToken(Map.of("name", "x", "devices", List.of(deviceA, foreign))).then().statusCode(404)
                .contentType("application/problem+json").body("field", equalTo("devices[1]"));
        newToken(Map.of("name", "x", "devices", List.of())).then().statusCode(400).body("field", equalTo("devices"));

        List<Map<String, Object>> listed = given().header("Token", tenant.token()).get("/v1/tokens").then()
                .statusCode(200).extract().jsonPath().getList("$");
        assertThat(listed).anySatisfy(t -> {
            assertThat(t).containsEntry("name", "A only").containsEntry("devices", List.of(deviceA)).doesNotContainKey("token");
        });
    }

    private String fill(String text) {
        return text.replace("{A}", deviceA).replace("{B}", deviceB).replace("{mA}", messageA).replace("{mB}", messageB);
    }

    private Response newToken(Map<String, Object> body) {
        return given().header("Token", tenant.token()).contentType(ContentType.JSON).body(body).post("/v1/tokens");
    }
}
