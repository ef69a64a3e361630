package dev.parley.aws;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class ReadinessAndMetricsTest {

    @Test
    void readiness_lists_postgresql_dynamodb_and_sqs_each_up() {
        List<Map<String, Object>> checks = given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP")).extract().jsonPath().getList("checks");

        assertThat(checks).extracting(c -> c.get("name")).contains("DynamoDB", "SQS", "Connector shards");
        assertThat(checks).extracting(c -> (String) c.get("name")).anyMatch(name -> name.contains("PostgreSQL"));
        assertThat(checks).allSatisfy(c -> assertThat(c.get("status")).as("check %s", c.get("name")).isEqualTo("UP"));
    }

    @Test
    void metrics_need_the_operator_key_outside_make_run() {
        given().get("/q/metrics").then().statusCode(401).contentType("application/problem+json");
        given().header("Operator-Key", "wrong").get("/q/metrics").then().statusCode(401);
        given().header("Operator-Key", Api.OPERATOR_KEY).get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_"));
        given().header("Authorization", "Bearer " + Api.OPERATOR_KEY).get("/q/metrics").then().statusCode(200);
    }
}
