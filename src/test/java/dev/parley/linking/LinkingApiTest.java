package dev.parley.linking;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.file.FileSamples;
import dev.parley.support.Api;
import dev.parley.support.GreenMailResource;
import dev.parley.support.QrCodes;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/**
 * Linking through the API with the sandbox network, the commands travelling through the device commands table
 * to the connector (ADR 0012): QR as text and PNG, pairing code, logout, and a link WhatsApp ends by itself
 * (logged out, refused) reported as a status, emailed once and never reconnected by Parley.
 */
@QuarkusTest
@WithTestResource(GreenMailResource.class)
class LinkingApiTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    SandboxDriver sandbox;

    @GreenMailResource.InjectGreenMail
    GreenMail greenMail;

    @Test
    void a_logged_out_device_links_again_by_the_qr_code_the_api_shows_as_text_and_png() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);

        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/logout")
                .then().statusCode(200).body("status", equalTo("logged_out"));
        Api.awaitDeviceStatus(tenant.token(), device, "logged_out", TIMEOUT);
        given().header("Token", tenant.token()).get("/v1/devices/" + device + "/qr")
                .then().statusCode(404).body("field", equalTo("id"));

        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/link").then().statusCode(202);
        Response qr = Api.await(() -> {
            Response r = given().header("Token", tenant.token()).get("/v1/devices/" + device + "/qr");
            return r.statusCode() == 200 ? r : null;
        }, TIMEOUT, () -> "a QR code for " + device);
        String code = qr.path("qr");
        assertThat(code).isEqualTo(sandbox.linkingCode(device).value());
        assertThat(Instant.parse(qr.path("expiresAt"))).isAfter(Instant.now());
        assertThat(QrCodes.decode(Base64.getDecoder().decode((String) qr.path("png")))).isEqualTo(code);

        byte[] png = given().header("Token", tenant.token()).accept("image/png").get("/v1/devices/" + device + "/qr")
                .then().statusCode(200).contentType("image/png").extract().asByteArray();
        assertThat(QrCodes.decode(png)).isEqualTo(code);
        byte[] byQuery = given().header("Token", tenant.token()).get("/v1/devices/" + device + "/qr?format=png")
                .then().statusCode(200).contentType("image/png").extract().asByteArray();
        assertThat(QrCodes.decode(byQuery)).isEqualTo(code);
        Api.awaitDeviceStatus(tenant.token(), device, "linking", TIMEOUT);

        scan(device);
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        await().atMost(TIMEOUT).until(() -> given().header("Token", tenant.token())
                .get("/v1/devices/" + device + "/qr").statusCode() == 409);
        awaitStatusEvents(tenant, device, "online", "logged_out", "linking", "online");
        // the owner asked for this logout: no email about it
        assertThat(linkLostMails(device)).isEmpty();
    }

    @Test
    void a_pairing_code_links_a_device_and_a_bad_phone_is_refused_by_name() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("phone", "+447911123456"))
                .post("/v1/devices/" + device + "/pairing-code")
                .then().statusCode(409).body("type", endsWith("/already-linked"));
        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/logout").then().statusCode(200);
        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/link").then().statusCode(202);
        Api.awaitDeviceStatus(tenant.token(), device, "linking", TIMEOUT);

        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("phone", "12"))
                .post("/v1/devices/" + device + "/pairing-code")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("phone"));
        Response pairing = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("phone", "+447911123456")).post("/v1/devices/" + device + "/pairing-code");
        pairing.then().statusCode(200);
        String code = pairing.path("code");
        assertThat(code).matches("[A-Z0-9]{8}");
        assertThat(Instant.parse(pairing.path("expiresAt"))).isAfter(Instant.now());

        assertThat(sandbox.scan(device, code)).isTrue();
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
    }

    @Test
    void a_link_whatsapp_ends_is_logged_out_emailed_once_and_not_reconnected() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);

        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/logout")
                .then().statusCode(200);
        Api.awaitDeviceStatus(tenant.token(), device, "logged_out", TIMEOUT);
        await().atMost(TIMEOUT).until(() -> linkLostMails(device).size() == 1);
        // final until a person acts: several device refreshes later it is still logged out, with one email
        await().during(Duration.ofMillis(1500)).atMost(TIMEOUT).until(() -> linkLostMails(device).size() == 1
                && "logged_out".equals(given().header("Token", tenant.token()).get("/v1/devices/" + device)
                .path("status")));
        assertThat(sandbox.hasSession(device)).isFalse();
        MimeMessage mail = linkLostMails(device).getFirst();
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("owner@example.com");
    }

    @Test
    void a_device_whatsapp_refuses_is_forbidden_until_its_owner_links_it_again() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);

        sandbox.forbid(device);
        Api.awaitDeviceStatus(tenant.token(), device, "forbidden", TIMEOUT);
        await().atMost(TIMEOUT).until(() -> linkLostMails(device).size() == 1);
        awaitStatusEvents(tenant, device, "online", "forbidden");

        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/link").then().statusCode(202);
        Api.awaitDeviceStatus(tenant.token(), device, "linking", TIMEOUT);
    }

    private static String onlineDevice(Api.Tenant tenant) {
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        return device;
    }

    private static void scan(String device) {
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/scan")
                .then().statusCode(200);
    }

    /** Waits until the device's device:status:update events carry {@code expected}, in that order. */
    private static void awaitStatusEvents(Api.Tenant tenant, String device, String... expected) {
        Api.await(() -> {
            List<String> statuses = given().header("Token", tenant.token())
                    .get("/v1/events?type=device:status:update&device=" + device).path("data.data.status");
            return isSubsequence(statuses, List.of(expected)) ? statuses : null;
        }, TIMEOUT, () -> "status events " + List.of(expected) + " of " + device);
    }

    private static boolean isSubsequence(List<String> all, List<String> wanted) {
        int i = 0;
        for (String s : all) {
            if (i < wanted.size() && wanted.get(i).equals(s)) {
                i++;
            }
        }
        return i == wanted.size();
    }

    private List<MimeMessage> linkLostMails(String device) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().contains("must be linked again") && String.valueOf(m.getContent()).contains(device);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    @Test
    void numbers_are_checked_through_an_online_device_and_bad_ones_are_named() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        Response checked = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("numbers", List.of("+447911123456", "0044 7911 120000"))).post("/v1/numbers/check");
        checked.then().statusCode(200).body("device", equalTo(device));
        assertThat(checked.<List<String>>path("data.phone")).containsExactly("+447911123456", "+447911120000");
        assertThat(checked.<List<Boolean>>path("data.exists")).containsExactly(true, false);
        assertThat(checked.<String>path("data[0].waId")).isEqualTo("447911123456@s.whatsapp.net");

        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("numbers", List.of("+447911123456", "12"))).post("/v1/numbers/check")
                .then().statusCode(400).body("field", equalTo("numbers[1]"));
        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("numbers", java.util.Collections.nCopies(51, "+447911123456"))).post("/v1/numbers/check")
                .then().statusCode(400).body("field", equalTo("numbers"));
    }

    @Test
    void a_device_changes_its_profile_with_a_stored_picture_and_bad_fields_are_named() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        byte[] png = FileSamples.image("png");
        String picture = given().header("Token", tenant.token()).queryParam("filename", "me.png")
                .contentType("image/png").body(png).post("/v1/files").then().statusCode(201).extract().path("id");

        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "Corner Shop", "about", "Open 9-5", "picture", picture))
                .patch("/v1/devices/" + device + "/profile")
                .then().statusCode(200).body("name", equalTo("Corner Shop")).body("picture", equalTo(picture));
        assertThat(sandbox.actions(device))
                .containsExactly("name:Corner Shop", "about:Open 9-5", "picture:" + png.length + " bytes");

        Map<String, Map<String, String>> bad = Map.of(
                "name", Map.of("name", "x".repeat(26)),
                "about", Map.of("about", "x".repeat(140)));
        bad.forEach((field, body) -> given().header("Token", tenant.token()).contentType(ContentType.JSON).body(body)
                .patch("/v1/devices/" + device + "/profile").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo(field)));
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of())
                .patch("/v1/devices/" + device + "/profile").then().statusCode(400).body("field", equalTo("name"));
        // another tenant's file is not found from this account: the connector refuses it, naming the picture
        Api.Tenant other = Api.newAccount();
        String theirs = given().header("Token", other.token()).queryParam("filename", "x.png")
                .contentType("image/png").body(png).post("/v1/files").then().statusCode(201).extract().path("id");
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("picture", theirs))
                .patch("/v1/devices/" + device + "/profile").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("picture"));
        assertThat(sandbox.actions(device)).hasSize(3);
    }

    @Test
    void a_device_marks_a_chat_read_and_shows_typing_and_bad_input_is_named() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        String waId = sandbox.injectIncoming(device, "+447911123456", null, "hello", null);

        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("chat", "+447911123456", "messages", List.of(waId)))
                .post("/v1/devices/" + device + "/read").then().statusCode(200).body("read", equalTo(1));
        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("state", "composing", "chat", "+447911123456"))
                .post("/v1/devices/" + device + "/presence").then().statusCode(200).body("state", equalTo("composing"));
        assertThat(sandbox.actions(device)).containsExactly("read:+447911123456:" + waId,
                "presence:composing:+447911123456");

        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("chat", "12", "messages", List.of(waId)))
                .post("/v1/devices/" + device + "/read").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("chat"));
        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("chat", "+447911123456", "messages", List.of()))
                .post("/v1/devices/" + device + "/read").then().statusCode(400).body("field", equalTo("messages"));
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("state", "dancing"))
                .post("/v1/devices/" + device + "/presence").then().statusCode(400).body("field", equalTo("state"));
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("state", "composing"))
                .post("/v1/devices/" + device + "/presence").then().statusCode(400).body("field", equalTo("chat"));
        // an offline device cannot: 409, and nothing reaches the network
        sandbox.setOnline(device, false);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("state", "available"))
                .post("/v1/devices/" + device + "/presence").then().statusCode(409)
                .contentType("application/problem+json");
        assertThat(sandbox.actions(device)).hasSize(2);
    }
}
