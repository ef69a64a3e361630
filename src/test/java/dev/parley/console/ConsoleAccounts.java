package dev.parley.console;

import dev.parley.support.Api;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Console test accounts: created by the operator with a unique email and a console password. */
final class ConsoleAccounts {

    static final String PASSWORD = "correct horse battery staple";

    private ConsoleAccounts() {
    }

    /** An account owner who can sign in to the console, with the account's first API token. */
    record Owner(String accountId, String email, String token) {
    }

    static Owner newOwner() {
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

    /** The session's form token, as its pages carry it in every form. */
    static String csrf(String session) {
        String page = given().cookie(ConsoleFilter.COOKIE, session).get("/console/tokens").then().statusCode(200)
                .extract().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no form token on the tokens page");
        }
        return m.group(1);
    }

    /** Signs in over HTTP and answers the session cookie's value. */
    static String signIn(Owner owner) {
        return given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("email", owner.email()).formParam("password", PASSWORD).post("/console/sign-in")
                .then().statusCode(303).extract().cookie(ConsoleFilter.COOKIE);
    }
}
