package dev.parley.webhook;

import dev.parley.common.Blocking;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import dev.parley.support.Api;
import dev.parley.support.WebhookReceiver;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** With production's URL rules: https only, and no loopback, private or otherwise non-public targets. */
@QuarkusTest
@TestProfile(WebhookPrivateTargetsTest.ProductionUrlRules.class)
class WebhookPrivateTargetsTest {

    /** No allowed private blocks and require-https=true, as in production. */
    public static class ProductionUrlRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.webhooks.allowed-private-cidrs", "",
                    "parley.webhooks.require-https", "true");
        }
    }

    @Inject
    WebhookRepository endpoints;
    @Inject
    EventOutbox outbox;
    @Inject
    Clock clock;

    @Test
    void urls_that_target_non_public_addresses_or_plain_http_are_refused_naming_url() {
        Api.Tenant tenant = Api.newAccount();
        for (String url : List.of("https://127.0.0.1/hook", "https://localhost:8443/hook", "https://[::1]/hook",
                "https://10.1.2.3/hook", "https://192.168.1.10/hook", "https://172.20.0.5/hook",
                "https://169.254.169.254/latest/meta-data", "https://0.0.0.0/hook", "https://[fd00::1]/hook",
                "https://[fe80::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://224.0.0.1/hook",
                "https://100.64.0.1/hook", "https://2130706433/hook")) {
            given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("url", url))
                    .post("/v1/webhooks").then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo("url")).body("detail", containsString("non-public"));
        }
        // A name is refused without telling what it resolved to (that would map internal names).
        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost:8443/hook")).post("/v1/webhooks").then().statusCode(400)
                .body("detail", equalTo("url targets a non-public address: host localhost resolves to a non-public"
                        + " address"));
        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("url", "http://93.184.215.14/hook")).post("/v1/webhooks")
                .then().statusCode(400).body("field", equalTo("url")).body("detail", equalTo("url must use https"));

        // A public address literal is accepted (nothing is sent until events exist).
        String id = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("url", "https://93.184.215.14/hook")).post("/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        given().header("Token", tenant.token()).delete("/v1/webhooks/" + id).then().statusCode(204);
    }

    @Test
    void an_endpoint_whose_host_now_resolves_to_a_private_address_is_refused_at_delivery() {
        Api.Tenant tenant = Api.newAccount();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            // As if its host had resolved publicly when it was saved and to loopback now (DNS rebinding).
            String url = receiver.url().replace("http://", "https://");
            String id = insertEndpoint(tenant.accountId(), url);
            Blocking.await(outbox.append(outbox.create(EventTypes.MESSAGE_OUT_SENT, tenant.accountId(), null,
                    Map.of("n", 1))));

            List<Map<String, Object>> logs = Api.await(() -> {
                List<Map<String, Object>> found = given().header("Token", tenant.token())
                        .get("/v1/webhooks/" + id + "/logs").then().statusCode(200).extract().jsonPath().getList("$");
                return found.isEmpty() ? null : found;
            }, Duration.ofSeconds(20), () -> "a delivery attempt of webhook " + id);

            assertThat(logs.getLast().get("success")).isEqualTo(false);
            assertThat(logs.getLast().get("statusCode")).isNull();
            assertThat((String) logs.getLast().get("error"))
                    .isEqualTo("refused: host 127.0.0.1 resolves to a non-public address");
            assertThat(receiver.requests()).isEmpty();
            given().header("Token", tenant.token()).delete("/v1/webhooks/" + id).then().statusCode(204);
        }
    }

    private String insertEndpoint(String accountId, String url) {
        Instant now = clock.instant();
        WebhookEndpoint endpoint = new WebhookEndpoint();
        endpoint.id = dev.parley.common.Ids.newId(now);
        endpoint.accountId = accountId;
        endpoint.name = "rebound";
        endpoint.url = url;
        endpoint.eventTypes(EventTypes.ALL);
        endpoint.secret = "whsec_test";
        endpoint.batchSize = 50;
        endpoint.status = WebhookStatus.active;
        endpoint.cursor = EventOutbox.key(now, "");
        endpoint.nextAttemptAt = now;
        endpoint.createdAt = now;
        endpoint.updatedAt = now;
        Blocking.onContext(() -> Panache.withTransaction(() -> endpoints.persist(endpoint)));
        return endpoint.id;
    }
}
