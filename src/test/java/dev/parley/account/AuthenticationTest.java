package dev.parley.account;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class AuthenticationTest {

    @Test
    void a_request_without_a_token_is_401_problem() {
        given().get("/v1/devices").then().statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }

    @Test
    void an_unknown_token_is_401_through_header_and_query() {
        given().header("Token", "prl_not-a-real-token").get("/v1/devices").then().statusCode(401);
        given().queryParam("token", "prl_not-a-real-token").get("/v1/devices").then().statusCode(401);
    }

    @Test
    void a_valid_token_works_through_header_and_query() {
        Api.Tenant tenant = Api.newAccount();
        given().header("Token", tenant.token()).get("/v1/devices").then().statusCode(200);
        given().queryParam("token", tenant.token()).get("/v1/devices").then().statusCode(200);
        given().header("Token", tenant.token()).get("/v1/account").then().statusCode(200)
                .body("id", equalTo(tenant.accountId()));
    }

    @Test
    void a_revoked_token_is_401_through_header_and_query() {
        Api.Tenant tenant = Api.newAccount();
        var second = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "ci")).post("/v1/tokens").then().statusCode(201).extract();
        String secondToken = second.path("token");
        String secondId = second.path("id");
        given().header("Token", secondToken).get("/v1/devices").then().statusCode(200);

        given().header("Token", tenant.token()).delete("/v1/tokens/" + secondId).then().statusCode(204);

        given().header("Token", secondToken).get("/v1/devices").then().statusCode(401);
        given().queryParam("token", secondToken).get("/v1/devices").then().statusCode(401);
        given().header("Token", tenant.token()).get("/v1/devices").then().statusCode(200);
    }

    @Test
    void tokens_are_listed_without_their_secret() {
        Api.Tenant tenant = Api.newAccount();
        List<Map<String, Object>> tokens = given().header("Token", tenant.token()).get("/v1/tokens")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(tokens).hasSize(1);
        assertThat(tokens.getFirst()).containsKeys("id", "name", "prefix", "createdAt").doesNotContainKey("token");
        assertThat(tenant.token()).startsWith((String) tokens.getFirst().get("prefix"));
    }

    @Test
    void an_account_holds_at_most_fifty_tokens() {
        Api.Tenant tenant = Api.newAccount();
        for (int i = 1; i < 50; i++) {
            given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("name", "t" + i))
                    .post("/v1/tokens").then().statusCode(201);
        }
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("name", "one too many"))
                .post("/v1/tokens").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void one_account_cannot_revoke_another_accounts_token() {
        Api.Tenant a = Api.newAccount();
        Api.Tenant b = Api.newAccount();
        String bTokenId = given().header("Token", b.token()).get("/v1/tokens").then().extract().path("[0].id");
        given().header("Token", a.token()).delete("/v1/tokens/" + bTokenId).then().statusCode(404);
        given().header("Token", b.token()).get("/v1/devices").then().statusCode(200);
    }

    @Test
    void operator_endpoints_need_the_operator_key() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x")).post("/v1/operator/accounts")
                .then().statusCode(401).contentType("application/problem+json");
        given().header("Operator-Key", "wrong").contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post("/v1/operator/accounts").then().statusCode(401);
        Api.Tenant tenant = Api.newAccount();
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post("/v1/operator/accounts").then().statusCode(401);
    }
}
