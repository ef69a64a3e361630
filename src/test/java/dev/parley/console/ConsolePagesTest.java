package dev.parley.console;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/** Console pages over plain HTTP: the overview's figures, message search, the usage chart, and the upload form without JavaScript. */
@QuarkusTest
class ConsolePagesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ConsoleAccounts.Owner owner;
    private String session;

    @BeforeEach
    void signedIn() {
        owner = ConsoleAccounts.newOwner();
        session = ConsoleAccounts.signIn(owner);
    }

    @Test
    void messages_are_found_by_reference_and_by_date_range_and_a_bad_date_is_shown_next_to_its_field() {
        String device = Api.newDevice(owner.token(), "business");
        String first = Api.send(owner.token(), Map.of("phone", "+447911123001", "message", "one", "device", device,
                "reference", "order-1"));
        String second = Api.send(owner.token(), Map.of("phone", "+447911123002", "message", "two", "device", device,
                "reference", "order-2"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();

        console().queryParam("reference", "order-1").get("/console/messages").then().statusCode(200)
                .body(containsString(first)).body(not(containsString(second)));
        console().queryParam("createdAfter", today).queryParam("createdBefore", today).get("/console/messages")
                .then().statusCode(200).body(containsString(first)).body(containsString(second));
        console().queryParam("createdAfter", tomorrow).get("/console/messages").then().statusCode(200)
                .body(not(containsString(first))).body(containsString("value=\"" + tomorrow + "\""));
        console().queryParam("createdAfter", "last tuesday").get("/console/messages").then().statusCode(200)
                .body(containsString("id=\"created-after-error\""));
        String later = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString(); // "until today" ends where tomorrow starts
        console().queryParam("createdAfter", later).queryParam("createdBefore", today).get("/console/messages")
                .then().statusCode(200).body(containsString("id=\"created-after-error\""));
    }

    @Test
    void the_overview_shows_each_devices_messages_today_failures_and_waiting_messages() {
        String busy = Api.newDevice(owner.token(), "business");
        String quiet = Api.newDevice(owner.token(), "business");
        Api.send(owner.token(), Map.of("phone", "+447911123001", "message", "one", "device", busy));
        Api.send(owner.token(), Map.of("phone", "+447911123002", "message", "two", "device", busy));

        String page = console().get("/console").then().statusCode(200).extract().asString();
        assertThat(page).contains("id=\"today-" + busy + "\">2<").contains("id=\"failed-" + busy + "\">0<")
                .containsPattern("id=\"waiting-" + busy + "\">[0-2]<")
                .contains("id=\"today-" + quiet + "\">0<").contains("id=\"waiting-" + quiet + "\">0<");
    }

    @Test
    void with_billing_off_the_device_page_changes_the_plan_and_names_a_bad_one_next_to_its_field() {
        String device = Api.newDevice(owner.token(), "basic");
        String csrf = ConsoleAccounts.csrf(session);

        console().redirects().follow(false).contentType(ContentType.URLENC).formParam("csrf", csrf)
                .formParam("plan", "enterprise").post("/console/devices/" + device + "/plan").then().statusCode(303);
        given().header("Token", owner.token()).get("/v1/devices/" + device).then().statusCode(200)
                .body(containsString("\"plan\":\"enterprise\""));
        console().redirects().follow(false).contentType(ContentType.URLENC).formParam("csrf", csrf)
                .formParam("plan", "platinum").post("/console/devices/" + device + "/plan").then().statusCode(303)
                .header("Location", containsString("field=plan"));
        console().queryParam("error", "x").queryParam("field", "plan").get("/console/devices/" + device).then()
                .statusCode(200).body(containsString("id=\"plan-error\""));
    }

    @Test
    void usage_draws_todays_messages_out_in_and_failed_for_each_device() {
        String device = Api.newDevice(owner.token(), "business");
        Api.awaitDeviceStatus(owner.token(), device, "online", TIMEOUT);
        String sent = Api.send(owner.token(), Map.of("phone", "+447911123001", "message", "out", "device", device));
        String failed = Api.send(owner.token(), Map.of("phone", "+447911120000", "message", "nobody", "device", device));
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("from", "+447911123009", "text", "in")).post("/v1/operator/sandbox/devices/" + device
                        + "/incoming").then().statusCode(200);
        Api.awaitStatus(owner.token(), sent, "delivered", TIMEOUT);
        Api.awaitStatus(owner.token(), failed, "failed", TIMEOUT);
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        String page = Api.await(() -> {
            String html = console().get("/console/usage").then().statusCode(200).extract().asString();
            return html.contains(today + ": 1 in") ? html : null;
        }, TIMEOUT, () -> "today's incoming message on the usage chart");
        assertThat(page).contains("id=\"chart-" + device + "\"").contains("<svg")
                .contains(today + ": 2 out").contains(today + ": 1 failed")
                .contains("id=\"sent-today-" + device + "\">2<").contains("id=\"failed-today-" + device + "\">1<")
                .doesNotContain("style=");
        assertThat(page.split("<rect ", -1)).hasSize(4); // out, in and failed today: three bars
    }

    @Test
    void the_upload_form_works_without_javascript() {
        String csrf = ConsoleAccounts.csrf(session);
        console().multiPart("csrf", csrf).multiPart("file", "plain.txt", "plain form".getBytes())
                .post("/console/files").then().statusCode(303)
                .header("Location", containsString("/console/files"));
        console().get("/console/files").then().statusCode(200).body(containsString("plain.txt"))
                .body(containsString("10 of"));
    }

    private RequestSpecification console() {
        return given().redirects().follow(false).cookie(ConsoleFilter.COOKIE, session);
    }
}
