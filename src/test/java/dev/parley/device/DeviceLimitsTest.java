package dev.parley.device;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class DeviceLimitsTest {

    @Test
    void an_account_over_its_device_limit_gets_a_409_problem_and_the_operator_can_raise_it() {
        Api.Tenant tenant = Api.newAccount();
        limit(tenant.accountId(), 2).then().statusCode(200).body("maxDevices", equalTo(2));
        Api.newDevice(tenant.token(), "basic");
        Api.newDevice(tenant.token(), "basic");

        create(tenant).then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("device-limit")).body("detail", containsString("at most 2 devices"));

        limit(tenant.accountId(), 3).then().statusCode(200);
        create(tenant).then().statusCode(201);
        create(tenant).then().statusCode(409);

        // Back to the configured default of 50.
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON).body("{\"maxDevices\":null}")
                .patch("/v1/operator/accounts/" + tenant.accountId()).then().statusCode(200)
                .body("maxDevices", nullValue());
        create(tenant).then().statusCode(201);
    }

    @Test
    void the_limits_endpoint_checks_its_input_and_the_operator_key() {
        Api.Tenant tenant = Api.newAccount();
        limit(tenant.accountId(), -1).then().statusCode(400).body("field", equalTo("maxDevices"));
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON).body("{\"maxDevices\":\"many\"}")
                .patch("/v1/operator/accounts/" + tenant.accountId()).then().statusCode(400)
                .body("field", equalTo("maxDevices"));
        limit("0123456789abcdef01234567", 5).then().statusCode(404).body("field", equalTo("id"));
        given().contentType(ContentType.JSON).body(Map.of("maxDevices", 5))
                .patch("/v1/operator/accounts/" + tenant.accountId()).then().statusCode(401);
    }

    @Test
    void devices_are_listed_in_pages_oldest_first_until_next_is_absent() {
        Api.Tenant tenant = Api.newAccount();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(Api.newDevice(tenant.token(), "basic"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().header("Token", tenant.token()).queryParam("size", 2);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            Response page = request.get("/v1/devices");
            page.then().statusCode(200);
            List<String> ids = page.jsonPath().getList("data.id");
            assertThat(ids).hasSizeLessThanOrEqualTo(2);
            seen.addAll(ids);
            cursor = page.jsonPath().getString("next");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created);
        given().header("Token", tenant.token()).get("/v1/devices").then().statusCode(200)
                .body("data.size()", equalTo(5)).body("next", nullValue());
        given().header("Token", tenant.token()).queryParam("size", 0).get("/v1/devices").then().statusCode(400)
                .body("field", equalTo("size"));
    }

    private static Response limit(String accountId, int max) {
        return given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("maxDevices", max)).patch("/v1/operator/accounts/" + accountId);
    }

    private static Response create(Api.Tenant tenant) {
        return given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "Phone", "phone", "+447911123456", "plan", "basic")).post("/v1/devices");
    }
}
