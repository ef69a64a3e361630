package dev.parley.console;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.support.Api;
import dev.parley.support.GreenMailResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/**
 * Signing in to the console by an emailed one-time link, and the operator's invitation of a new owner who then
 * chooses a password; the emails are read from a real SMTP server (GreenMail).
 */
@QuarkusTest
@WithTestResource(GreenMailResource.class)
class ConsoleSignInLinkTest {

    private static final Pattern LINK = Pattern.compile("/console/sign-in/link\\?token=([A-Za-z0-9_-]+)");
    private static final Duration MAIL_WAIT = Duration.ofSeconds(20);

    @GreenMailResource.InjectGreenMail
    GreenMail greenMail;

    @Test
    void an_emailed_link_signs_in_once_and_an_unknown_email_gets_the_same_answer_and_no_email() {
        ConsoleAccounts.Owner owner = ConsoleAccounts.newOwner();
        String notice = "If an account signs in with that email";
        given().contentType(ContentType.URLENC).formParam("email", owner.email()).post("/console/sign-in/link")
                .then().statusCode(200).body(containsString(notice)).header("Set-Cookie", (String) null);
        String token = tokenMailedTo(owner.email());

        // Opening the link shows a button (a mail scanner's GET uses nothing up); the button signs in.
        given().get("/console/sign-in/link?token=" + token).then().statusCode(200)
                .body(containsString("id=\"use-link\""));
        Response used = use(token);
        used.then().statusCode(303).header("Location", containsString("/console"));
        String session = used.getCookie(ConsoleAccounts.COOKIE);
        given().cookie(ConsoleAccounts.COOKIE, session).get("/console").then().statusCode(200);
        use(token).then().statusCode(401).body(containsString("used already or has expired"));
        use("made-up-token").then().statusCode(401);

        String stranger = "nobody-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.URLENC).formParam("email", stranger).post("/console/sign-in/link")
                .then().statusCode(200).body(containsString(notice));
        assertThat(mailsTo(stranger)).isEmpty();
    }

    @Test
    void an_invited_owner_signs_in_by_the_link_and_chooses_a_password() {
        String email = "invited-" + UUID.randomUUID() + "@example.com";
        String account = given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                .body(Map.of("name", "Invited", "email", email)).post("/v1/operator/accounts")
                .then().statusCode(201).extract().path("account.id");
        given().post("/v1/operator/accounts/" + account + "/invite").then().statusCode(401);
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/accounts/nope/invite").then()
                .statusCode(404).contentType("application/problem+json");
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/accounts/" + account + "/invite")
                .then().statusCode(200).body("account", equalTo(account)).body("expiresAt", containsString("T"));

        Response used = use(tokenMailedTo(email));
        used.then().statusCode(303).header("Location", containsString("/console/password"));
        String session = used.getCookie(ConsoleAccounts.COOKIE);
        String csrf = ConsoleAccounts.csrfOf(given().cookie(ConsoleAccounts.COOKIE, session).get("/console/password")
                .then().statusCode(200).extract().asString());
        given().redirects().follow(false).cookie(ConsoleAccounts.COOKIE, session).contentType(ContentType.URLENC)
                .formParam("csrf", csrf).formParam("password", "short").post("/console/password")
                .then().statusCode(303).header("Location", containsString("field=password"));
        given().redirects().follow(false).cookie(ConsoleAccounts.COOKIE, session).contentType(ContentType.URLENC)
                .formParam("csrf", csrf).formParam("password", "a long enough password").post("/console/password")
                .then().statusCode(303).header("Location", endsWith("/console"));

        given().redirects().follow(false).contentType(ContentType.URLENC).formParam("email", email)
                .formParam("password", "a long enough password").post("/console/sign-in").then().statusCode(303);
    }

    private static Response use(String token) {
        return given().redirects().follow(false).contentType(ContentType.URLENC).formParam("token", token)
                .post("/console/sign-in/link/use");
    }

    private String tokenMailedTo(String email) {
        List<MimeMessage> mails = Api.await(() -> {
            List<MimeMessage> found = mailsTo(email);
            return found.isEmpty() ? null : found;
        }, MAIL_WAIT, () -> "an email to " + email);
        Matcher m = LINK.matcher(body(mails.getLast()));
        assertThat(m.find()).as("a link in the email").isTrue();
        return m.group(1);
    }

    private List<MimeMessage> mailsTo(String email) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals(email);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    private static String body(MimeMessage mail) {
        try {
            return String.valueOf(mail.getContent());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
