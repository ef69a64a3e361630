package dev.parley.console;

import dev.parley.support.Api;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** Console test accounts: created by the operator with a unique email and a console password. */
public final class ConsoleAccounts {

    public static final String PASSWORD = "correct horse battery staple";

    /** The session cookie's name, for tests outside this package. */
    public static final String COOKIE = ConsoleFilter.COOKIE;
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private ConsoleAccounts() {
    }

    /** An account owner who can sign in to the console, with the account's first API token. */
    public record Owner(String accountId, String email, String token) {
    }

    public static Owner newOwner() {
        String email = "owner-" + UUID.randomUUID() + "@example.com";
        Response created = given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("name", "Console test", "email", email)).post("/v1/operator/accounts");
        created.then().statusCode(201);
        String id = created.path("account.id");
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("password", PASSWORD)).put("/v1/operator/accounts/" + id + "/console-password")
                .then().statusCode(200);
        return new Owner(id, email, created.path("token.token"));
    }

    /** The form token a console page carries, as a browser would post it back. */
    public static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no form token on the page");
        }
        return m.group(1);
    }

    /** The session's form token, as its pages carry it in every form. */
    static String csrf(String session) {
        return csrfOf(given().cookie(ConsoleFilter.COOKIE, session).get("/console/tokens").then().statusCode(200)
                .extract().asString());
    }

    /** Signs in over HTTP and answers the session cookie's value. */
    public static String signIn(Owner owner) {
        return given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("email", owner.email()).formParam("password", PASSWORD).post("/console/sign-in")
                .then().statusCode(303).extract().cookie(ConsoleFilter.COOKIE);
    }
}
