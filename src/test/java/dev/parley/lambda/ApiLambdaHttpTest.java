package dev.parley.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The API as a Lambda behind an API Gateway HTTP API: runs only in the lambda-api build, where Quarkus's
 * mock Lambda event server turns HTTP requests into API Gateway v2 events, and raw events posted to
 * {@code /_lambda_} go to the handler unchanged.
 */
@QuarkusTest
class ApiLambdaHttpTest {

    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void pointAtTheEventServer() {
        RestAssured.port = ConfigProvider.getConfig()
                .getValue("quarkus.lambda.mock-event-server.test-port", Integer.class);
    }

    @Test
    void a_message_is_sent_and_read_back_through_api_gateway_events() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        String id = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "via Lambda"));

        JsonNode response = invoke(event("GET", "/v1/messages/" + id, "", Map.of("token", tenant.token()), null));
        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        JsonNode body = json.readTree(response.get("body").asText());
        assertThat(body.get("id").asText()).isEqualTo(id);
        assertThat(body.get("message").asText()).isEqualTo("via Lambda");

        JsonNode sent = invoke(event("POST", "/v1/messages", "", Map.of("token", tenant.token(),
                "content-type", "application/json"), "{\"phone\":\"+447911123001\",\"message\":\"raw event\"}"));
        assertThat(sent.get("statusCode").asInt()).isEqualTo(201);
        assertThat(json.readTree(sent.get("body").asText()).get("status").asText()).isEqualTo("queued");

        JsonNode byQuery = invoke(event("GET", "/v1/messages", "token=" + tenant.token(), Map.of(), null));
        assertThat(byQuery.get("statusCode").asInt()).isEqualTo(200);
        assertThat(json.readTree(byQuery.get("body").asText()).get("data")).hasSize(2);
    }

    @Test
    void a_request_without_a_token_is_401_problem_through_events() throws Exception {
        JsonNode response = invoke(event("GET", "/v1/devices", "", Map.of(), null));
        assertThat(response.get("statusCode").asInt()).isEqualTo(401);
        assertThat(response.get("headers").get("Content-Type").asText()).startsWith("application/problem+json");
        given().get("/v1/devices").then().statusCode(401).body("status", equalTo(401));
    }

    private JsonNode invoke(Map<String, Object> event) throws Exception {
        String raw = given().contentType(ContentType.JSON).body(json.writeValueAsString(event))
                .post("/_lambda_").then().statusCode(200).extract().asString();
        return json.readTree(raw);
    }

    /** An API Gateway HTTP API (payload format 2.0) event, as AWS sends it to the function. */
    private static Map<String, Object> event(String method, String path, String query, Map<String, String> headers,
                                             String body) {
        Map<String, Object> http = Map.of("method", method, "path", path, "protocol", "HTTP/1.1",
                "sourceIp", "127.0.0.1", "userAgent", "parley-test");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", "123456789012");
        context.put("apiId", "api");
        context.put("domainName", "api.example.com");
        context.put("requestId", "req-" + System.nanoTime());
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("timeEpoch", System.currentTimeMillis());
        context.put("http", http);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", query);
        event.put("headers", headers);
        event.put("requestContext", context);
        event.put("isBase64Encoded", false);
        if (body != null) {
            event.put("body", body);
        }
        return event;
    }
}
