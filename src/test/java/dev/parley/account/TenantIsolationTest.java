package dev.parley.account;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class TenantIsolationTest {

    @Test
    void one_account_cannot_see_or_use_another_accounts_devices_and_messages() {
        Api.Tenant a = Api.newAccount();
        Api.Tenant b = Api.newAccount();
        String bDevice = Api.newDevice(b.token(), "business");
        String bMessage = Api.send(b.token(), Map.of("phone", "+447911123001", "message", "for b only"));

        given().header("Token", a.token()).get("/v1/devices/" + bDevice).then().statusCode(404);
        given().header("Token", a.token()).delete("/v1/devices/" + bDevice).then().statusCode(404);
        given().header("Token", a.token()).contentType(ContentType.JSON).body(Map.of("plan", "basic"))
                .patch("/v1/devices/" + bDevice).then().statusCode(404);
        given().header("Token", a.token()).get("/v1/messages/" + bMessage).then().statusCode(404);
        given().header("Token", a.token()).contentType(ContentType.JSON)
                .body(Map.of("phone", "+447911123001", "message", "hijack", "device", bDevice))
                .post("/v1/messages").then().statusCode(404);
        given().header("Token", a.token()).queryParam("device", bDevice).get("/v1/messages").then().statusCode(404);

        List<Object> aDevices = given().header("Token", a.token()).get("/v1/devices").then().extract()
                .jsonPath().getList("data");
        List<Object> aMessages = given().header("Token", a.token()).get("/v1/messages").then().extract()
                .jsonPath().getList("data");
        assertThat(aDevices).isEmpty();
        assertThat(aMessages).isEmpty();

        given().header("Token", b.token()).get("/v1/devices/" + bDevice).then().statusCode(200);
        given().header("Token", b.token()).get("/v1/messages/" + bMessage).then().statusCode(200);
    }
}
