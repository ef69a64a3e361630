package dev.parley.console;

import dev.parley.support.WebhookReceiver;
import dev.parley.webhook.WebhookHeaders;
import dev.parley.webhook.WebhookSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The console's webhook page over plain HTTP: edit, test delivery, re-enable, rotate the secret. */
@QuarkusTest
class ConsoleWebhooksTest {

    private ConsoleAccounts.Owner owner;
    private String session;
    private String csrf;
    private WebhookReceiver receiver;

    @BeforeEach
    void signedIn() {
        owner = ConsoleAccounts.newOwner();
        session = ConsoleAccounts.signIn(owner);
        csrf = ConsoleAccounts.csrf(session);
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void editing_shows_the_apis_error_next_to_the_field_and_saves_url_and_events() {
        String id = newWebhook("http://127.0.0.1:9/hook").path("id");

        String badUrl = form().formParam("url", "not a url").formParam("events", "message:in:new")
                .post("/console/webhooks/" + id).then().statusCode(303).extract().header("Location");
        assertThat(badUrl).contains("field=url");
        console().get(badUrl).then().statusCode(200).body(containsString("id=\"url-error\""));

        String noEvents = form().formParam("url", receiver.url()).post("/console/webhooks/" + id)
                .then().statusCode(303).extract().header("Location");
        assertThat(noEvents).contains("field=events");
        console().get(noEvents).then().statusCode(200).body(containsString("id=\"events-error\""));

        form().formParam("name", "Orders").formParam("url", receiver.url())
                .formParam("events", "message:in:new", "message:out:sent").post("/console/webhooks/" + id)
                .then().statusCode(303).header("Location", containsString("/console/webhooks/" + id));
        Response saved = given().header("Token", owner.token()).get("/v1/webhooks/" + id);
        saved.then().statusCode(200).body("name", equalTo("Orders")).body("url", equalTo(receiver.url()));
        assertThat(saved.<List<String>>path("events")).containsExactly("message:in:new", "message:out:sent");
        console().get("/console/webhooks/" + id).then().body(containsString("value=\"message:out:sent\" checked"))
                .body(containsString("value=\"message:out:read\">"));
    }

    @Test
    void a_test_delivery_reaches_the_endpoint_signed_is_shown_and_logged() {
        Response created = newWebhook(receiver.url());
        String id = created.path("id");

        form().post("/console/webhooks/" + id + "/test").then().statusCode(200)
                .body(containsString("Test delivery accepted: HTTP 200"));
        WebhookReceiver.Request request = receiver.requests().getFirst();
        assertThat(request.events()).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("webhook:test");
            assertThat(e.path("data").path("webhook").asText()).isEqualTo(id);
        });
        assertSignedWith(request, created.path("secret"));
        given().header("Token", owner.token()).get("/v1/webhooks/" + id + "/logs").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].success", equalTo(true));

        receiver.replyWith(n -> WebhookReceiver.Reply.status(500));
        form().post("/console/webhooks/" + id + "/test").then().statusCode(200)
                .body(containsString("Test delivery failed: HTTP 500"));
        // a test changes nothing of the endpoint's delivery state
        given().header("Token", owner.token()).get("/v1/webhooks/" + id).then()
                .body("status", equalTo("active")).body("consecutiveFailures", equalTo(0));
    }

    @Test
    void rotating_the_secret_shows_the_new_one_once_and_signs_with_it() {
        Response created = newWebhook(receiver.url());
        String id = created.path("id");
        String old = created.path("secret");

        String page = form().post("/console/webhooks/" + id + "/secret").then().statusCode(200).extract().asString();
        Matcher shown = Pattern.compile("<code id=\"new-secret\">(whsec_[^<]+)</code>").matcher(page);
        assertThat(shown.find()).isTrue();
        String secret = shown.group(1);
        assertThat(secret).isNotEqualTo(old);
        console().get("/console/webhooks/" + id).then().body(org.hamcrest.Matchers.not(containsString("new-secret")));

        form().post("/console/webhooks/" + id + "/test").then().statusCode(200);
        assertSignedWith(receiver.requests().getLast(), secret);
    }

    @Test
    void a_disabled_webhook_is_re_enabled_from_its_page() {
        String id = newWebhook(receiver.url()).path("id");
        given().header("Token", owner.token()).contentType(ContentType.JSON).body(Map.of("status", "disabled"))
                .patch("/v1/webhooks/" + id).then().statusCode(200);
        console().get("/console/webhooks/" + id).then().body(containsString("id=\"enable\""));

        form().post("/console/webhooks/" + id + "/enable").then().statusCode(303);
        given().header("Token", owner.token()).get("/v1/webhooks/" + id).then().body("status", equalTo("active"));
        console().get("/console/webhooks/" + id).then().body(org.hamcrest.Matchers.not(containsString("id=\"enable\"")));
    }

    @Test
    void another_accounts_webhook_cannot_be_tested_enabled_or_rotated() {
        String theirs = given().header("Token", ConsoleAccounts.newOwner().token()).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url())).post("/v1/webhooks").then().statusCode(201).extract().path("id");
        for (String action : List.of("/test", "/enable", "/secret", "")) {
            String back = form().formParam("url", receiver.url()).post("/console/webhooks/" + theirs + action)
                    .then().statusCode(303).extract().header("Location");
            console().get(back).then().statusCode(404);
        }
        assertThat(receiver.requests()).isEmpty();
    }

    private Response newWebhook(String url) {
        Response created = given().header("Token", owner.token()).contentType(ContentType.JSON)
                .body(Map.of("url", url)).post("/v1/webhooks");
        created.then().statusCode(201);
        return created;
    }

    private RequestSpecification console() {
        return given().redirects().follow(false).cookie(ConsoleFilter.COOKIE, session);
    }

    private RequestSpecification form() {
        return console().contentType(ContentType.URLENC).formParam("csrf", csrf);
    }

    private static void assertSignedWith(WebhookReceiver.Request request, String secret) {
        long timestamp = Long.parseLong(request.header(WebhookHeaders.TIMESTAMP));
        assertThat(request.header(WebhookHeaders.SIGNATURE))
                .isEqualTo(WebhookSigner.signature(secret, timestamp, request.body()));
    }
}
