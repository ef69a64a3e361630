package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.parley.support.Api;
import dev.parley.support.GreenMailResource;
import dev.parley.support.QrCodes;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Linking through the API end to end with the Baileys engine: the application runs the real sidecar and Baileys
 * code with only the socket scripted ({@link FakeSocketEngine}); QR codes reach the API through the device
 * commands table, the PNG decodes to the sidecar's QR string, the link completes; pairing code, logout, and
 * WhatsApp's 401 (logged out: keys wiped, one email) and 403 (forbidden: no reconnect).
 */
@QuarkusTest
@TestProfile(BaileysLinkingTest.BaileysEngine.class)
@WithTestResource(GreenMailResource.class)
public class BaileysLinkingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The Baileys engine with the sidecar's test entry point (the fake socket). */
    public static class BaileysEngine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "parley.driver.type", "baileys",
                    "parley.driver.baileys.sidecar", "engine/baileys/src/test-entry.js",
                    "parley.driver.baileys.key-file", "target/baileys-linking/session.key",
                    "parley.driver.baileys.heartbeat-every", "1s");
        }
    }

    @Inject
    FakeSocketEngine engine;
    @Inject
    SessionStore sessions;

    @GreenMailResource.InjectGreenMail
    GreenMail greenMail;

    @Test
    void the_qr_code_reaches_the_api_rotates_decodes_from_the_png_and_the_link_brings_the_device_online()
            throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        String first = awaitQr(tenant, device, null);
        byte[] png = given().header("Token", tenant.token()).accept("image/png").get("/v1/devices/" + device + "/qr")
                .then().statusCode(200).contentType("image/png").extract().asByteArray();
        assertThat(QrCodes.decode(png)).isEqualTo(first);
        Api.awaitDeviceStatus(tenant.token(), device, "linking", TIMEOUT);

        String second = awaitQr(tenant, device, first);
        assertThat(second).isNotEqualTo(first);

        engine.link(device);
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        await().atMost(TIMEOUT).until(() -> given().header("Token", tenant.token())
                .get("/v1/devices/" + device + "/qr").statusCode() == 409);
        assertThat(sessions.creds(device)).isPresent();
    }

    @Test
    void a_pairing_code_comes_from_the_socket_and_entering_it_links_the_device() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "linking", TIMEOUT);

        String code = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("phone", "+447911123456")).post("/v1/devices/" + device + "/pairing-code")
                .then().statusCode(200).extract().path("code");
        assertThat(code).hasSize(8);
        assertThat(engine.recorded(device, "requestPairingCode")).singleElement()
                .satisfies(r -> assertThat(r.path("code").asText()).isEqualTo(code));

        engine.link(device);
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
    }

    @Test
    void logout_through_the_api_unlinks_at_whatsapp_and_wipes_the_keys_without_an_email() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);

        given().header("Token", tenant.token()).post("/v1/devices/" + device + "/logout")
                .then().statusCode(200).body("status", equalTo("logged_out"));
        Api.awaitDeviceStatus(tenant.token(), device, "logged_out", TIMEOUT);
        assertThat(engine.recorded(device, "logout")).hasSize(1);
        await().atMost(TIMEOUT).until(() -> sessions.creds(device).isEmpty());
        assertThat(linkLostMails(device)).isEmpty();
    }

    @Test
    void whatsapp_logging_the_device_out_wipes_its_keys_and_emails_the_owner_once() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);

        engine.close(device, 401);
        Api.awaitDeviceStatus(tenant.token(), device, "logged_out", TIMEOUT);
        await().atMost(TIMEOUT).until(() -> sessions.creds(device).isEmpty());
        await().atMost(TIMEOUT).until(() -> linkLostMails(device).size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(TIMEOUT).until(() -> linkLostMails(device).size() == 1);
    }

    @Test
    void a_forbidden_device_is_not_reconnected() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        int sockets = engine.recorded(device, "makeSocket").size();

        engine.close(device, 403);
        Api.awaitDeviceStatus(tenant.token(), device, "forbidden", TIMEOUT);
        // well past the sidecar's 500 ms reconnect backoff and several device refreshes: no new socket
        await().during(Duration.ofMillis(2000)).atMost(TIMEOUT)
                .until(() -> engine.recorded(device, "makeSocket").size() == sockets);
        assertThat(given().header("Token", tenant.token()).get("/v1/devices/" + device).<String>path("status"))
                .isEqualTo("forbidden");
        await().atMost(TIMEOUT).until(() -> linkLostMails(device).size() == 1);
    }

    @Test
    void numbers_are_checked_with_onwhatsapp_through_the_device() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        Response checked = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("numbers", List.of(BaileysFake.REACHABLE, BaileysFake.NOT_ON_WHATSAPP)))
                .post("/v1/numbers/check");
        checked.then().statusCode(200);
        assertThat(checked.<List<Boolean>>path("data.exists")).containsExactly(true, false);
        assertThat(checked.<String>path("data[0].waId")).isEqualTo(BaileysFake.REACHABLE.substring(1) + "@s.whatsapp.net");
        assertThat(engine.recorded(device, "onWhatsApp")).hasSize(1);
    }

    @Test
    void incoming_media_is_downloaded_into_the_accounts_file_store_and_the_message_names_its_file() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "enterprise");
        byte[] photo = dev.parley.file.FileSamples.image("jpeg");
        ObjectNode msg = BaileysFake.JSON.createObjectNode();
        msg.putObject("key").put("remoteJid", BaileysFake.REACHABLE.substring(1) + "@s.whatsapp.net")
                .put("id", "IMGIN1").put("fromMe", false);
        msg.put("messageTimestamp", java.time.Instant.now().getEpochSecond());
        msg.putObject("message").putObject("imageMessage").put("url", "fake:" + Base64.getEncoder().encodeToString(photo))
                .put("mimetype", "image/jpeg").put("caption", "our shop").put("fileLength", photo.length);

        engine.receive(device, msg);

        Response listed = Api.await(() -> {
            Response r = given().header("Token", tenant.token()).get("/v1/devices/" + device + "/messages");
            return r.statusCode() == 200 && r.<List<?>>path("$").size() == 1 ? r : null;
        }, TIMEOUT, () -> "the incoming media message of " + device);
        assertThat(listed.<String>path("[0].text")).isEqualTo("our shop");
        assertThat(listed.<String>path("[0].media.type")).isEqualTo("image");
        String file = listed.path("[0].media.file");
        assertThat(file).isNotBlank();
        byte[] stored = given().header("Token", tenant.token()).get("/v1/files/" + file + "/download")
                .then().statusCode(200).extract().asByteArray();
        assertThat(stored).isEqualTo(photo);
        // another tenant cannot read it
        given().header("Token", Api.newAccount().token()).get("/v1/files/" + file).then().statusCode(404);
    }

    private String onlineDevice(Api.Tenant tenant) {
        return onlineDevice(tenant, "business");
    }

    private String onlineDevice(Api.Tenant tenant, String plan) {
        String device = Api.newDevice(tenant.token(), plan);
        Api.awaitDeviceStatus(tenant.token(), device, "linking", TIMEOUT);
        engine.link(device);
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        return device;
    }

    /** The device's QR string once the API shows one other than {@code previous}. */
    private static String awaitQr(Api.Tenant tenant, String device, String previous) {
        return Api.await(() -> {
            Response r = given().header("Token", tenant.token()).get("/v1/devices/" + device + "/qr");
            String qr = r.statusCode() == 200 ? r.path("qr") : null;
            return qr != null && !qr.equals(previous) ? qr : null;
        }, TIMEOUT, () -> "a QR code for " + device + " other than " + previous);
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
}
