package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;

/** With billing off (the default profile) there is nothing to grant: every device is free already. */
@QuarkusTest
class GrantBillingOffTest {

    @Test
    void with_billing_off_a_grant_is_a_404_problem_and_the_device_stays_unbilled() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "basic");
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON).body(Map.of("plan", "business"))
                .put("/v1/operator/billing/accounts/" + tenant.accountId() + "/devices/" + device + "/grant")
                .then().statusCode(404).contentType("application/problem+json").body("detail", containsString("Billing is off"));
        given().header("Token", tenant.token()).get("/v1/devices/" + device).then().statusCode(200)
                .body("billingStatus", nullValue());
    }
}
