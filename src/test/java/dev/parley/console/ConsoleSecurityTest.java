package dev.parley.console;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The console's guards over plain HTTP: sessions, CSRF, tenant isolation, brute force, cookie flags, CSP. */
@QuarkusTest
class ConsoleSecurityTest {

    private static final List<String> PAGES = List.of("/console", "/console/devices", "/console/messages",
            "/console/webhooks", "/console/tokens", "/console/files", "/console/usage", "/console/billing");

    @Test
    void no_page_or_action_without_a_session() {
        for (String page : PAGES) {
            given().redirects().follow(false).get(page).then().statusCode(303)
                    .header("Location", containsString("/console/sign-in"));
        }
        given().redirects().follow(false).cookie(ConsoleFilter.COOKIE, "forged").get("/console/devices")
                .then().statusCode(303);
        given().contentType(ContentType.URLENC).formParam("name", "x").post("/console/devices").then().statusCode(401);
    }

    @Test
    void the_session_cookie_is_http_only_secure_and_same_site_and_pages_send_a_strict_csp() {
        ConsoleAccounts.Owner owner = ConsoleAccounts.newOwner();
        Response signIn = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("email", owner.email()).formParam("password", ConsoleAccounts.PASSWORD)
                .post("/console/sign-in");
        String setCookie = signIn.getHeader("Set-Cookie");
        assertThat(setCookie).startsWith(ConsoleFilter.COOKIE + "=").contains("HttpOnly").contains("Secure")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/console");
        String session = signIn.getCookie(ConsoleFilter.COOKIE);
        for (String page : PAGES) {
            given().cookie(ConsoleFilter.COOKIE, session).get(page).then().statusCode(200)
                    .header("Content-Security-Policy", equalTo(ConsoleFilter.CSP))
                    .header("X-Frame-Options", "DENY");
        }
        for (String asset : List.of("/console/static/console.js", "/console/static/console.css")) {
            given().get(asset).then().statusCode(200).header("Content-Security-Policy", equalTo(ConsoleFilter.CSP))
                    .header("X-Content-Type-Options", "nosniff");
        }
        assertThat(ConsoleFilter.CSP).contains("default-src 'none'").contains("script-src 'self'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("http");
    }

    @Test
    void every_post_needs_the_sessions_form_token() {
        ConsoleAccounts.Owner owner = ConsoleAccounts.newOwner();
        String session = ConsoleAccounts.signIn(owner);
        String device = Api.newDevice(owner.token(), "business");
        List<String> posts = List.of("/console/devices", "/console/devices/" + device + "/rename",
                "/console/devices/" + device + "/link", "/console/devices/" + device + "/logout",
                "/console/devices/" + device + "/pairing-code", "/console/devices/" + device + "/plan",
                "/console/devices/" + device + "/delete", "/console/messages", "/console/tokens",
                "/console/tokens/x/revoke", "/console/webhooks", "/console/webhooks/x/delete",
                "/console/webhooks/x", "/console/webhooks/x/test", "/console/webhooks/x/enable",
                "/console/webhooks/x/secret",
                "/console/files/x/delete", "/console/messages/x/remove", "/console/billing/customer",
                "/console/billing/devices/" + device + "/plan-change", "/console/password", "/console/sign-out");
        for (String post : posts) {
            given().cookie(ConsoleFilter.COOKIE, session).contentType(ContentType.URLENC).formParam("name", "x")
                    .post(post).then().statusCode(403).body("field", equalTo("csrf"));
            given().cookie(ConsoleFilter.COOKIE, session).contentType(ContentType.URLENC).formParam("csrf", "wrong")
                    .post(post).then().statusCode(403);
        }
        given().cookie(ConsoleFilter.COOKIE, session).multiPart("file", "a.txt", "hi".getBytes())
                .post("/console/files").then().statusCode(403);
        given().header("Token", owner.token()).get("/v1/devices/" + device).then().statusCode(200)
                .body("name", equalTo("Phone"));
    }

    @Test
    void another_accounts_device_message_and_webhook_answer_404() {
        ConsoleAccounts.Owner mine = ConsoleAccounts.newOwner();
        ConsoleAccounts.Owner theirs = ConsoleAccounts.newOwner();
        String session = ConsoleAccounts.signIn(mine);
        String device = Api.newDevice(theirs.token(), "business");
        String message = Api.send(theirs.token(), Map.of("phone", "+447911123001", "message", "theirs"));
        String webhook = given().header("Token", theirs.token()).contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:9/hook")).post("/v1/webhooks").then().statusCode(201)
                .extract().path("id");
        for (String page : List.of("/console/devices/" + device, "/console/devices/" + device + "/qr.png",
                "/console/messages/" + message, "/console/webhooks/" + webhook)) {
            given().cookie(ConsoleFilter.COOKIE, session).get(page).then().statusCode(404);
        }
    }

    @Test
    void repeated_wrong_passwords_are_refused_for_a_while_even_with_the_right_one() {
        ConsoleAccounts.Owner owner = ConsoleAccounts.newOwner();
        for (int i = 0; i < 5; i++) {
            given().contentType(ContentType.URLENC).formParam("email", owner.email()).formParam("password", "guess" + i)
                    .post("/console/sign-in").then().statusCode(401);
        }
        given().contentType(ContentType.URLENC).formParam("email", owner.email())
                .formParam("password", ConsoleAccounts.PASSWORD).post("/console/sign-in")
                .then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body(containsString("Too many failed sign-ins"));
    }

    @Test
    void a_console_password_for_an_email_another_account_signs_in_with_is_a_409_naming_the_email() {
        ConsoleAccounts.Owner first = ConsoleAccounts.newOwner();
        String second = given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("name", "Same email", "email", first.email().toUpperCase())).post("/v1/operator/accounts")
                .then().statusCode(201).extract().path("account.id");
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("password", "another good password")).put("/v1/operator/accounts/" + second + "/console-password")
                .then().statusCode(409).contentType("application/problem+json").body("field", equalTo("email"));
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("password", "short")).put("/v1/operator/accounts/" + second + "/console-password")
                .then().statusCode(400).body("field", equalTo("password"));
        // The first owner still signs in, and the password may be set again on the account that owns the email.
        ConsoleAccounts.signIn(first);
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("password", ConsoleAccounts.PASSWORD))
                .put("/v1/operator/accounts/" + first.accountId() + "/console-password").then().statusCode(200);
    }
}
