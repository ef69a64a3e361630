package dev.parley.webhook;

import dev.parley.event.EventTypes;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** The webhooks API: defaults, validation naming the field, the per-account limit and tenant isolation. */
@QuarkusTest
class WebhookApiTest {

    // Nothing listens here: these endpoints are never sent anything worth receiving.
    private static final String URL = "http://127.0.0.1:9/hook";

    private final Set<Api.Tenant> tenants = new LinkedHashSet<>();

    @Test
    void make_run_and_tests_allow_loopback_targets_only_and_never_link_local() {
        Api.Tenant tenant = Api.newAccount();
        create(tenant, Map.of("url", URL)).then().statusCode(201);
        create(tenant, Map.of("url", "http://[::1]:9/hook")).then().statusCode(201);
        for (String url : List.of("http://10.1.2.3/hook", "http://192.168.1.10/hook",
                "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/hook", "http://[fd00:ec2::254]/hook")) {
            create(tenant, Map.of("url", url)).then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo("url"))
                    .body("detail", startsWith("url targets a non-public address"));
        }
    }

    @Test
    void a_new_webhook_gets_defaults_and_a_secret_shown_only_in_the_creation_answer() {
        Api.Tenant tenant = Api.newAccount();
        Response created = create(tenant, Map.of("url", URL));
        created.then().statusCode(201)
                .body("name", equalTo("127.0.0.1"))
                .body("url", equalTo(URL))
                .body("events", equalTo(EventTypes.ALL))
                .body("device", nullValue())
                .body("status", equalTo("active"))
                .body("batchSize", equalTo(50))
                .body("consecutiveFailures", equalTo(0))
                .body("secret", startsWith("whsec_"));
        String id = created.path("id");
        assertThat((String) created.path("secret")).hasSizeGreaterThan(40);

        Response fetched = given().header("Token", tenant.token()).get("/v1/webhooks/" + id);
        fetched.then().statusCode(200).body("id", equalTo(id));
        assertThat(fetched.asString()).doesNotContain("secret").doesNotContain((String) created.path("secret"));
        List<Map<String, Object>> listed = given().header("Token", tenant.token()).get("/v1/webhooks")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(listed).singleElement().satisfies(w -> assertThat(w).containsEntry("id", id).doesNotContainKey("secret"));
        given().header("Token", tenant.token()).get("/v1/webhooks/" + id + "/logs").then().statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void a_webhook_can_be_changed_paused_enabled_and_deleted() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        String id = create(tenant, Map.of("name", "CRM", "url", URL)).then().statusCode(201).extract().path("id");

        patch(tenant, id, Map.of("name", "CRM v2", "events", List.of(EventTypes.MESSAGE_IN_NEW), "device", device,
                "batchSize", 1)).then().statusCode(200)
                .body("name", equalTo("CRM v2")).body("events", equalTo(List.of(EventTypes.MESSAGE_IN_NEW)))
                .body("device", equalTo(device)).body("batchSize", equalTo(1)).body("url", equalTo(URL));
        patch(tenant, id, Map.of("device", "", "status", "disabled")).then().statusCode(200)
                .body("device", nullValue()).body("status", equalTo("disabled"))
                .body("disabledAt", org.hamcrest.Matchers.notNullValue());
        given().header("Token", tenant.token()).post("/v1/webhooks/" + id + "/enable").then().statusCode(200)
                .body("status", equalTo("active")).body("disabledAt", nullValue());

        given().header("Token", tenant.token()).delete("/v1/webhooks/" + id).then().statusCode(204);
        given().header("Token", tenant.token()).get("/v1/webhooks/" + id).then().statusCode(404);
    }

    @Test
    void invalid_settings_are_refused_with_the_field_named() {
        Api.Tenant tenant = Api.newAccount();
        assertInvalid(tenant, Map.of("url", URL, "events", List.of("message:out:sent", "message:out:teleported")),
                "events");
        assertInvalid(tenant, Map.of("url", URL, "events", List.of()), "events");
        assertInvalid(tenant, Map.of("url", URL, "batchSize", 0), "batchSize");
        assertInvalid(tenant, Map.of("url", URL, "batchSize", 51), "batchSize");
        assertInvalid(tenant, Map.of("name", "no url"), "url");
        assertInvalid(tenant, Map.of("url", "ftp://example.com/hook"), "url");
        assertInvalid(tenant, Map.of("url", "not a url"), "url");
        assertInvalid(tenant, Map.of("url", "https://user:pass@example.com/hook"), "url");
        assertInvalid(tenant, Map.of("url", URL, "name", " "), "name");
        assertInvalid(tenant, Map.of("url", URL, "secret", "mine"), "secret");

        String id = create(tenant, Map.of("url", URL)).then().statusCode(201).extract().path("id");
        patch(tenant, id, Map.of("status", "paused")).then().statusCode(400).body("field", equalTo("status"));
        patch(tenant, id, Map.of("batchSize", 100)).then().statusCode(400).body("field", equalTo("batchSize"));
    }

    @Test
    void a_device_filter_must_be_a_device_of_the_callers_account() {
        Api.Tenant tenant = Api.newAccount();
        Api.Tenant other = Api.newAccount();
        String othersDevice = Api.newDevice(other.token(), "business");

        create(tenant, Map.of("url", URL, "device", othersDevice)).then().statusCode(404)
                .contentType("application/problem+json").body("field", equalTo("device"));
        String device = Api.newDevice(tenant.token(), "business");
        create(tenant, Map.of("url", URL, "device", device)).then().statusCode(201).body("device", equalTo(device));
    }

    @Test
    void an_account_may_have_at_most_five_webhooks() {
        Api.Tenant tenant = Api.newAccount();
        for (int i = 0; i < 5; i++) {
            create(tenant, Map.of("url", URL + i)).then().statusCode(201);
        }
        create(tenant, Map.of("url", URL + "6")).then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void one_account_cannot_see_or_touch_another_accounts_webhooks() {
        Api.Tenant a = Api.newAccount();
        Api.Tenant b = Api.newAccount();
        String bWebhook = create(b, Map.of("url", URL)).then().statusCode(201).extract().path("id");

        given().header("Token", a.token()).get("/v1/webhooks/" + bWebhook).then().statusCode(404);
        given().header("Token", a.token()).get("/v1/webhooks/" + bWebhook + "/logs").then().statusCode(404);
        given().header("Token", a.token()).post("/v1/webhooks/" + bWebhook + "/enable").then().statusCode(404);
        given().header("Token", a.token()).post("/v1/webhooks/" + bWebhook + "/secret").then().statusCode(404);
        given().header("Token", a.token()).post("/v1/webhooks/" + bWebhook + "/test").then().statusCode(404);
        patch(a, bWebhook, Map.of("url", "http://127.0.0.1:9/stolen")).then().statusCode(404);
        given().header("Token", a.token()).delete("/v1/webhooks/" + bWebhook).then().statusCode(404);
        given().header("Token", a.token()).get("/v1/webhooks").then().statusCode(200).body("size()", equalTo(0));

        given().header("Token", b.token()).get("/v1/webhooks/" + bWebhook).then().statusCode(200)
                .body("url", equalTo(URL));
    }

    @Test
    void a_rotated_secret_is_shown_once_and_a_test_delivery_reports_how_the_endpoint_answered() {
        Api.Tenant tenant = Api.newAccount();
        Response created = create(tenant, Map.of("url", URL));
        String id = created.path("id");
        String rotated = given().header("Token", tenant.token()).post("/v1/webhooks/" + id + "/secret").then()
                .statusCode(200).body("secret", startsWith(WebhookService.SECRET_PREFIX)).extract().path("secret");
        assertThat(rotated).isNotEqualTo(created.<String>path("secret"));
        given().header("Token", tenant.token()).get("/v1/webhooks/" + id).then().body("secret", nullValue());

        // nothing listens at URL: the test reports the failure, and the endpoint's delivery state is untouched
        given().header("Token", tenant.token()).post("/v1/webhooks/" + id + "/test").then().statusCode(200)
                .body("delivered", equalTo(false)).body("error", org.hamcrest.Matchers.notNullValue());
        given().header("Token", tenant.token()).get("/v1/webhooks/" + id).then()
                .body("status", equalTo("active")).body("consecutiveFailures", equalTo(0));
        given().header("Token", tenant.token()).get("/v1/webhooks/" + id + "/logs").then()
                .body("size()", equalTo(1)).body("[0].success", equalTo(false));
    }

    /** Deletes what a test created, so no later test's dispatcher spends time on these endpoints. */
    @AfterEach
    void deleteWebhooks() {
        for (Api.Tenant tenant : tenants) {
            List<String> ids = given().header("Token", tenant.token()).get("/v1/webhooks").then().extract()
                    .jsonPath().getList("id");
            ids.forEach(id -> given().header("Token", tenant.token()).delete("/v1/webhooks/" + id));
        }
        tenants.clear();
    }

    private Response create(Api.Tenant tenant, Map<String, Object> body) {
        tenants.add(tenant);
        return given().header("Token", tenant.token()).contentType(ContentType.JSON).body(body).post("/v1/webhooks");
    }

    private static Response patch(Api.Tenant tenant, String id, Map<String, Object> body) {
        return given().header("Token", tenant.token()).contentType(ContentType.JSON).body(body)
                .patch("/v1/webhooks/" + id);
    }

    private void assertInvalid(Api.Tenant tenant, Map<String, Object> body, String field) {
        create(tenant, body).then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo(field));
    }
}
