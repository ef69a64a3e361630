package dev.parley.message;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class MessageValidationTest {

    private Api.Tenant tenant;

    @BeforeEach
    void account() {
        tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
    }

    @Test
    void a_bad_phone_is_400_naming_phone() {
        post(Map.of("phone", "12", "message", "hi")).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("phone"));
        post(Map.of("phone", "not a number", "message", "hi")).then().statusCode(400).body("field", equalTo("phone"));
        post(Map.of("message", "hi")).then().statusCode(400).body("field", equalTo("phone"));
    }

    @Test
    void an_empty_message_is_400_naming_message() {
        post(Map.of("phone", "+447911123001", "message", "  ")).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("message"));
        post(Map.of("phone", "+447911123001")).then().statusCode(400).body("field", equalTo("message"));
    }

    @Test
    void an_unknown_device_is_404_naming_device() {
        post(Map.of("phone", "+447911123001", "message", "hi", "device", "0123456789abcdef01234567"))
                .then().statusCode(404).contentType("application/problem+json").body("field", equalTo("device"));
    }

    @Test
    void an_unknown_field_is_400_naming_it() {
        post(Map.of("phone", "+447911123001", "message", "hi", "colour", "blue"))
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("colour"));
    }

    @Test
    void a_field_of_the_wrong_type_is_400_naming_it() {
        post(Map.of("phone", "+447911123001", "message", Map.of("text", "hi")))
                .then().log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("message"));
    }

    @Test
    void malformed_json_is_400_problem() {
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body("{\"phone\": ")
                .post("/v1/messages").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void an_oversized_body_is_413_problem() {
        String big = "x".repeat(2_200_000);
        post(Map.of("phone", "+447911123001", "message", big)).then().statusCode(413)
                .contentType("application/problem+json");
    }

    @Test
    void a_bad_listing_parameter_is_400_naming_it() {
        given().header("Token", tenant.token()).queryParam("status", "lost").get("/v1/messages")
                .then().statusCode(400).body("field", equalTo("status"));
        given().header("Token", tenant.token()).queryParam("size", "many").get("/v1/messages")
                .then().statusCode(400).body("field", equalTo("size"));
        given().header("Token", tenant.token()).queryParam("cursor", "garbage!").get("/v1/messages")
                .then().statusCode(400).body("field", equalTo("cursor"));
    }

    @Test
    void an_unknown_path_is_404_problem() {
        given().header("Token", tenant.token()).get("/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void phone_numbers_are_normalised_to_e164() {
        String id = Api.send(tenant.token(), Map.of("phone", "0044 7911 123001", "message", "hi"));
        Api.message(tenant.token(), id).then().body("phone", equalTo("+447911123001"));
    }

    @Test
    void a_device_with_an_unknown_plan_is_400_naming_plan() {
        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "phone", "+447911123456", "plan", "platinum"))
                .post("/v1/devices").then().statusCode(400).body("field", equalTo("plan"))
                .body("detail", containsString("platinum"));
    }

    private io.restassured.response.Response post(Map<String, Object> body) {
        return given().header("Token", tenant.token()).contentType(ContentType.JSON).body(body).post("/v1/messages");
    }
}
