package dev.parley.message;

import dev.parley.common.MessageContent;

import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.file.FileSamples;
import dev.parley.support.Api;
import dev.parley.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
class MessageKindsAndApiTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String TO = "+447911123001";

    @Inject
    SandboxDriver sandbox;
    @Inject
    TestClock clock;

    @Test
    void every_message_kind_reaches_the_network_as_sent() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        String text = Api.send(tenant.token(), Map.of("phone", TO, "message", "plain"));
        String link = Api.send(tenant.token(), Map.of("phone", TO, "message", "see https://example.com/offer?id=1 now"));
        String place = Api.send(tenant.token(), Map.of("phone", TO,
                "location", Map.of("coordinates", List.of(40.4168, -3.7038), "name", "Madrid")));
        String placeWithText = Api.send(tenant.token(), Map.of("phone", TO, "message", "meet here",
                "location", Map.of("address", "Puerta del Sol, Madrid")));
        String image = Api.send(tenant.token(), Map.of("phone", TO, "message", "our menu",
                "media", Map.of("file", upload(tenant, "menu.png", FileSamples.image("png")))));
        String document = Api.send(tenant.token(), Map.of("phone", TO,
                "media", Map.of("file", upload(tenant, "invoice.pdf", FileSamples.pdf()), "caption", "Invoice")));
        String archive = Api.send(tenant.token(), Map.of("phone", TO,
                "media", Map.of("file", upload(tenant, "photos.zip", FileSamples.zip()))));
        String gif = Api.send(tenant.token(), Map.of("phone", TO,
                "media", Map.of("file", upload(tenant, "party.mp4", FileSamples.mp4()), "type", "gif")));
        String group = Api.send(tenant.token(), Map.of("group", "120363012345678901@g.us", "message", "hi all"));
        List<String> ids = List.of(text, link, place, placeWithText, image, document, archive, gif, group);
        for (String id : ids) {
            Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        }

        Map<String, SandboxDriver.SentMessage> sent = new java.util.HashMap<>();
        sandbox.sent(device).forEach(m -> sent.put(m.messageId(), m));
        assertThat(sent.get(text).content().kind()).isEqualTo(MessageContent.Kind.text);
        assertThat(sent.get(link).content().kind()).isEqualTo(MessageContent.Kind.link);
        assertThat(sent.get(link).content().link()).isEqualTo("https://example.com/offer?id=1");
        assertThat(sent.get(place).content().location().latitude()).isEqualTo(40.4168);
        assertThat(sent.get(place).content().location().name()).isEqualTo("Madrid");
        assertThat(sent.get(placeWithText).content().location().address()).isEqualTo("Puerta del Sol, Madrid");
        assertThat(sent.get(placeWithText).content().text()).isEqualTo("meet here");
        assertThat(sent.get(image).content().media().type()).isEqualTo(MessageContent.MediaType.image);
        assertThat(sent.get(image).text()).isEqualTo("our menu");
        assertThat(sent.get(document).content().media().type()).isEqualTo(MessageContent.MediaType.document);
        assertThat(sent.get(document).text()).isEqualTo("Invoice");
        assertThat(sent.get(archive).content().media().type()).isEqualTo(MessageContent.MediaType.archive);
        assertThat(sent.get(gif).content().media().type()).isEqualTo(MessageContent.MediaType.gif);
        assertThat(sent.get(group).to()).isEqualTo("120363012345678901@g.us");
        Api.message(tenant.token(), group).then().body("group", equalTo("120363012345678901@g.us"));
    }

    private static String upload(Api.Tenant tenant, String name, byte[] bytes) {
        return given().header("Token", tenant.token()).multiPart("file", name, bytes).post("/v1/files")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void a_plan_without_a_feature_gets_403_naming_it() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "basic");
        post(tenant, Map.of("phone", TO, "message", "x", "priority", "high")).then().statusCode(403)
                .contentType("application/problem+json").body("field", equalTo("priority"));
        post(tenant, Map.of("phone", TO, "message", "x", "deliverAt", iso(clock.instant().plusSeconds(3600))))
                .then().statusCode(403).body("field", equalTo("deliverAt"));
        post(tenant, Map.of("group", "120363012345678901@g.us", "message", "x")).then().statusCode(403)
                .body("field", equalTo("group"));
        post(tenant, Map.of("phone", TO, "message", "normal is fine", "priority", "normal")).then().statusCode(201);
    }

    @Test
    void a_device_plan_can_be_changed_and_unlocks_its_features() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "basic");
        post(tenant, Map.of("phone", TO, "message", "x", "priority", "urgent")).then().statusCode(403);
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("plan", "enterprise"))
                .patch("/v1/devices/" + device).then().statusCode(200).body("plan", equalTo("enterprise"));
        post(tenant, Map.of("phone", TO, "message", "x", "priority", "urgent")).then().statusCode(201);
    }

    @Test
    void scheduling_and_expiry_input_is_checked_naming_the_field() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "enterprise");
        post(tenant, Map.of("phone", TO, "message", "x", "deliverAt", iso(clock.instant().plus(Duration.ofDays(400)))))
                .then().statusCode(400).body("field", equalTo("deliverAt"));
        post(tenant, Map.of("phone", TO, "message", "x", "deliverAt", "tomorrow")).then().statusCode(400)
                .body("field", equalTo("deliverAt"));
        post(tenant, Map.of("phone", TO, "message", "x", "expiration", Map.of("duration", "soon")))
                .then().statusCode(400).body("field", equalTo("expiration.duration"));
        post(tenant, Map.of("phone", TO, "message", "x", "expiration", Map.of("seconds", 5, "duration", "1h")))
                .then().statusCode(400).body("field", equalTo("expiration"));
        post(tenant, Map.of("phone", TO, "message", "x", "retries", 101)).then().statusCode(400)
                .body("field", equalTo("retries"));
        post(tenant, Map.of("phone", TO, "message", "x", "priority", "asap")).then().statusCode(400)
                .body("field", equalTo("priority"));
        post(tenant, Map.of("phone", TO, "location", Map.of("coordinates", List.of(100, 0)))).then().statusCode(400)
                .body("field", equalTo("location.coordinates"));
        post(tenant, Map.of("phone", TO, "media", Map.of("url", "ftp://example.com/a.png"))).then().statusCode(400)
                .body("field", equalTo("media.url"));
        post(tenant, Map.of("group", "not-a-group", "message", "x")).then().statusCode(400)
                .body("field", equalTo("group"));
        post(tenant, Map.of("phone", TO, "message", "x", "expiration", Map.of("duration", "2h")))
                .then().statusCode(201);
    }

    @Test
    void a_repeated_idempotency_key_returns_the_first_message() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Map<String, Object> body = Map.of("phone", TO, "message", "exactly once");
        String first = given().header("Token", tenant.token()).header("Idempotency-Key", "order-7")
                .contentType(ContentType.JSON).body(body).post("/v1/messages")
                .then().statusCode(201).extract().path("id");
        String second = given().header("Token", tenant.token()).header("Idempotency-Key", "order-7")
                .contentType(ContentType.JSON).body(body).post("/v1/messages")
                .then().statusCode(201).extract().path("id");
        assertThat(second).isEqualTo(first);
        given().header("Token", tenant.token()).header("Idempotency-Key", "order-7").contentType(ContentType.JSON)
                .body(Map.of("phone", TO, "message", "something else")).post("/v1/messages")
                .then().statusCode(422).body("field", equalTo("Idempotency-Key"));

        // The same key in another account is a different key.
        Api.Tenant other = Api.newAccount();
        Api.newDevice(other.token(), "business");
        String third = given().header("Token", other.token()).header("Idempotency-Key", "order-7")
                .contentType(ContentType.JSON).body(body).post("/v1/messages")
                .then().statusCode(201).extract().path("id");
        assertThat(third).isNotEqualTo(first);

        Api.awaitStatus(tenant.token(), first, "delivered", TIMEOUT);
        assertThat(sandbox.sent(device)).hasSize(1);
    }

    @Test
    void a_bulk_request_validates_each_message_on_its_own_and_delivers_the_valid_ones() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "enterprise");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            items.add(Map.of("phone", TO, "message", "bulk " + i, "reference", "bulk-" + i));
        }
        items.add(Map.of("phone", "12", "message", "bad phone"));
        items.add(Map.of("phone", TO, "message", "x", "colour", "blue"));
        items.add(Map.of("phone", TO, "message", "urgent one", "priority", "urgent"));

        Response response = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("messages", items)).post("/v1/messages/bulk");
        response.then().statusCode(200).body("accepted", equalTo(24)).body("rejected", equalTo(2))
                .body("results", hasSize(26))
                .body("results[23].error.field", equalTo("[23].phone"))
                .body("results[24].error.field", equalTo("[24].colour"))
                .body("results[25].status", equalTo("queued"));
        List<String> ids = response.jsonPath().getList("results.id");
        for (String id : ids) {
            if (id != null) {
                Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
            }
        }
        assertThat(sandbox.sent(device)).hasSize(24);

        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(java.util.Collections.nCopies(501, Map.of("phone", TO, "message", "x")))
                .post("/v1/messages/bulk").then().statusCode(400).body("field", equalTo("messages"));
    }

    @Test
    void the_listing_filters_by_priority_phone_group_reference_and_creation_date() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        Instant before = clock.instant();
        String high = Api.send(tenant.token(), Map.of("phone", TO, "message", "a", "priority", "high"));
        String other = Api.send(tenant.token(), Map.of("phone", "+34612345678", "message", "b", "reference", "r-1"));
        String group = Api.send(tenant.token(), Map.of("group", "120363012345678901@g.us", "message", "c"));
        Instant after = clock.instant();

        assertThat(ids(tenant, Map.of("priority", "high"))).containsExactly(high);
        assertThat(ids(tenant, Map.of("phone", "0034 612 345 678"))).containsExactly(other);
        assertThat(ids(tenant, Map.of("reference", "r-1"))).containsExactly(other);
        assertThat(ids(tenant, Map.of("group", "120363012345678901@g.us"))).containsExactly(group);
        assertThat(ids(tenant, Map.of("createdAfter", iso(before), "createdBefore", iso(after))))
                .containsExactly(group, other, high);
        assertThat(ids(tenant, Map.of("createdAfter", iso(after.plusSeconds(1))))).isEmpty();
    }

    private List<String> ids(Api.Tenant tenant, Map<String, String> query) {
        return given().header("Token", tenant.token()).queryParams(query).get("/v1/messages")
                .then().statusCode(200).extract().jsonPath().getList("data.id");
    }

    private static Response post(Api.Tenant tenant, Map<String, Object> body) {
        return given().header("Token", tenant.token()).contentType(ContentType.JSON).body(body).post("/v1/messages");
    }

    private static String iso(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
    }
}
