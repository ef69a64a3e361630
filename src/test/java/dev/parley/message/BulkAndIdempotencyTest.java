package dev.parley.message;

import dev.parley.support.Api;
import dev.parley.support.StoreFaults;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Bulk requests store each item on its own and, like single sends, are idempotent under a key, even concurrently. */
@QuarkusTest
class BulkAndIdempotencyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TO = "+447911123001";

    @AfterEach
    void heal() {
        StoreFaults.heal();
    }

    @Test
    void an_item_the_store_refuses_fails_alone_and_the_items_accepted_around_it_are_kept() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "enterprise");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        // The store refuses the late item of the second batch of 25, as it would a value it cannot hold.
        StoreFaults.poison(item -> item.containsKey("reference") && item.get("reference").s().equals("poison"));
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(Map.of("phone", TO, "message", "bulk " + i));
        }
        items.set(30, Map.of("phone", TO, "message", "refused", "reference", "poison"));
        items.set(35, Map.of("phone", TO, "location", Map.of("coordinates", List.of("NaN", "NaN"))));

        Response answer = bulk(tenant, null, items);
        answer.then().statusCode(200).body("accepted", equalTo(38)).body("rejected", equalTo(2))
                .body("results[30].id", nullValue()).body("results[30].error.status", equalTo(503))
                .body("results[30].error.field", equalTo("[30]"))
                .body("results[35].error.status", equalTo(400))
                .body("results[35].error.field", equalTo("[35].location.coordinates"))
                .body("results[31].status", equalTo("queued"));
        List<String> ids = answer.jsonPath().getList("results.id");
        assertThat(stored(tenant, device)).containsExactlyInAnyOrderElementsOf(
                ids.stream().filter(Objects::nonNull).toList());
    }

    @Test
    void a_retried_bulk_request_with_an_idempotency_key_answers_the_same_messages_and_creates_none() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "enterprise");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            items.add(Map.of("phone", TO, "message", "retry " + i));
        }
        items.add(Map.of("phone", "12", "message", "bad phone"));
        // The first attempt fails in the middle for one item; the retry stores it and changes nothing else.
        StoreFaults.poison(item -> item.get("message") != null && item.get("message").s().equals("retry 27"));
        Response first = bulk(tenant, "batch-1", items);
        first.then().statusCode(200).body("accepted", equalTo(29)).body("results[27].error.status", equalTo(503));
        StoreFaults.heal();
        Response second = bulk(tenant, "batch-1", items);
        second.then().statusCode(200).body("accepted", equalTo(30)).body("results[30].error.field", equalTo("[30].phone"));
        List<String> firstIds = first.jsonPath().getList("results.id");
        List<String> secondIds = second.jsonPath().getList("results.id");
        for (int i = 0; i < 30; i++) {
            if (i != 27) {
                assertThat(secondIds.get(i)).as("item %d", i).isEqualTo(firstIds.get(i));
            }
        }
        assertThat(bulk(tenant, "batch-1", items).jsonPath().getList("results.id")).isEqualTo(secondIds);

        assertThat(stored(tenant, device)).containsExactlyInAnyOrderElementsOf(
                secondIds.stream().filter(Objects::nonNull).toList());
        bulk(tenant, "batch-1", List.of(Map.of("phone", TO, "message", "another"))).then().statusCode(422)
                .body("field", equalTo("Idempotency-Key"));
    }

    @Test
    void an_item_key_is_the_same_key_as_a_single_sends_header() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "enterprise");
        Response answer = bulk(tenant, null, List.of(
                Map.of("phone", TO, "message", "one", "idempotencyKey", "item-1"),
                Map.of("phone", TO, "message", "two", "idempotencyKey", "item-2")));
        String one = answer.jsonPath().getString("results[0].id");
        String single = given().header("Token", tenant.token()).header("Idempotency-Key", "item-1")
                .contentType(ContentType.JSON).body(Map.of("phone", TO, "message", "one")).post("/v1/messages")
                .then().statusCode(201).extract().path("id");
        assertThat(single).isEqualTo(one);
        Response again = bulk(tenant, null, List.of(
                Map.of("phone", TO, "message", "one", "idempotencyKey", "item-1"),
                Map.of("phone", TO, "message", "changed", "idempotencyKey", "item-2")));
        again.then().statusCode(200).body("accepted", equalTo(1)).body("results[0].id", equalTo(one))
                .body("results[1].error.status", equalTo(422)).body("results[1].error.field", equalTo("[1].idempotencyKey"));
    }

    @Test
    void concurrent_sends_with_the_same_key_all_answer_the_same_message() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "enterprise");
        Map<String, Object> body = Map.of("phone", TO, "message", "once");
        List<Object> items = List.of(Map.of("phone", TO, "message", "bulk a"), Map.of("phone", TO, "message", "bulk b"));
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(() -> given().header("Token", tenant.token()).header("Idempotency-Key", "same")
                    .contentType(ContentType.JSON).body(body).post("/v1/messages"));
            calls.add(() -> bulk(tenant, "same-bulk", items));
        }
        List<Response> single = new ArrayList<>();
        List<Response> many = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Response>> futures = pool.invokeAll(calls);
            for (int i = 0; i < futures.size(); i++) {
                (i % 2 == 0 ? single : many).add(futures.get(i).get());
            }
        }
        Map<Integer, Integer> statuses = new HashMap<>();
        single.forEach(r -> statuses.merge(r.statusCode(), 1, Integer::sum));
        assertThat(statuses.keySet()).as("single-send statuses").allMatch(s -> s == 200 || s == 201);
        assertThat(single.stream().map(r -> r.jsonPath().getString("id")).distinct()).hasSize(1);
        assertThat(many).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(many.stream().map(r -> r.jsonPath().getList("results.id")).distinct()).hasSize(1);
        assertThat(many.getFirst().jsonPath().getInt("accepted")).isEqualTo(2);

        List<String> expected = new ArrayList<>(many.getFirst().jsonPath().getList("results.id", String.class));
        expected.add(single.getFirst().jsonPath().getString("id"));
        assertThat(stored(tenant, device)).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** Ids of every message stored for the device. */
    private static List<String> stored(Api.Tenant tenant, String device) {
        return given().header("Token", tenant.token()).queryParam("device", device).queryParam("size", 100)
                .get("/v1/messages").then().statusCode(200).extract().jsonPath().getList("data.id");
    }

    private static Response bulk(Api.Tenant tenant, String key, List<Object> items) {
        var request = given().header("Token", tenant.token()).contentType(ContentType.JSON);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.body(Map.of("messages", items)).post("/v1/messages/bulk");
    }
}
