package dev.parley.file;

import com.sun.net.httpserver.HttpServer;
import dev.parley.connector.OutboundMedia;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.support.Api;
import dev.parley.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Media messages through the API: by file id and by URL, sent from storage, refused or failed when they must be. */
@QuarkusTest
class MediaMessagesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String TO = "+447911123002";

    @Inject
    SandboxDriver sandbox;

    @Inject
    FileCleanupJob cleanup;

    /** The application's clock, which other tests of this profile may have moved ahead of the wall clock. */
    @Inject
    TestClock clock;

    private static String upload(String token, String name, byte[] bytes, String expiresAt) {
        var spec = given().header("Token", token).multiPart("file", name, bytes);
        if (expiresAt != null) {
            spec.multiPart("expiresAt", expiresAt);
        }
        return spec.post("/v1/files").then().statusCode(201).extract().path("id");
    }

    private static Response post(String token, Map<String, Object> body) {
        return given().header("Token", token).contentType(ContentType.JSON).body(body).post("/v1/messages");
    }

    private SandboxDriver.SentMessage sent(String device, String messageId) {
        return sandbox.sent(device).stream().filter(m -> m.messageId().equals(messageId)).findFirst().orElseThrow();
    }

    @Test
    void a_media_message_by_file_id_reaches_the_network_with_the_files_bytes_and_counts_as_media() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        byte[] pdf = FileSamples.pdf();
        String file = upload(tenant.token(), "invoice.pdf", pdf, null);

        String id = Api.send(tenant.token(), Map.of("phone", TO,
                "media", Map.of("file", file, "caption", "Your invoice")));
        Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT).then()
                .body("media.file", equalTo(file)).body("media.type", equalTo("document"))
                .body("media.filename", equalTo("invoice.pdf"));

        SandboxDriver.SentMessage out = sent(device, id);
        assertThat(out.mediaSha256()).isEqualTo(sha256(pdf));
        assertThat(out.mediaSize()).isEqualTo(pdf.length);
        assertThat(out.text()).isEqualTo("Your invoice");
        given().header("Token", tenant.token()).get("/v1/devices/" + device + "/usage").then().statusCode(200)
                .body("media", equalTo(1));
    }

    @Test
    void a_media_message_by_url_is_fetched_once_stored_briefly_and_sent_from_storage() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        byte[] png = FileSamples.image("png");
        AtomicInteger fetches = new AtomicInteger();
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.createContext("/menu", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, png.length);
            exchange.getResponseBody().write(png);
            exchange.close();
        });
        origin.start();
        try {
            String url = "http://127.0.0.1:" + origin.getAddress().getPort() + "/menu";
            String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "our menu", "media", Map.of("url", url)));
            Response sentMessage = Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
            sentMessage.then().body("media.url", equalTo(url)).body("media.type", equalTo("image"));
            String file = sentMessage.path("media.file");

            assertThat(sent(device, id).mediaSha256()).isEqualTo(sha256(png));
            assertThat(fetches).hasValue(1);
            Instant expiresAt = Instant.parse(given().header("Token", tenant.token()).get("/v1/files/" + file)
                    .then().statusCode(200).body("sha256", equalTo(sha256(png))).extract().path("expiresAt"));
            assertThat(expiresAt).isBefore(clock.instant().plus(Duration.ofDays(2)));
        } finally {
            origin.stop(0);
        }
    }

    @Test
    void a_file_uploaded_by_url_is_fetched_once_and_typed_by_its_bytes_and_a_link_local_url_is_refused() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        byte[] pdf = FileSamples.pdf();
        AtomicInteger fetches = new AtomicInteger();
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.createContext("/invoice", exchange -> {
            fetches.incrementAndGet();
            // A wrong declared type: the stored file's type comes from its bytes.
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, pdf.length);
            exchange.getResponseBody().write(pdf);
            exchange.close();
        });
        origin.start();
        try {
            String url = "http://127.0.0.1:" + origin.getAddress().getPort() + "/invoice";
            String id = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                    .body(Map.of("url", url, "filename", "invoice.pdf")).post("/v1/files/url")
                    .then().statusCode(201).body("kind", equalTo("document")).body("sha256", equalTo(sha256(pdf)))
                    .body("size", equalTo(pdf.length)).extract().path("id");
            assertThat(given().header("Token", tenant.token()).get("/v1/files/" + id + "/download")
                    .then().statusCode(200).extract().asByteArray()).isEqualTo(pdf);
            assertThat(fetches).hasValue(1);
        } finally {
            origin.stop(0);
        }
        given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("url", "http://169.254.169.254/latest/meta-data/")).post("/v1/files/url")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("url"));
    }

    @Test
    void urls_of_private_or_link_local_addresses_and_files_of_other_accounts_are_refused_naming_the_field() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        Api.Tenant other = Api.newAccount();
        String foreign = upload(other.token(), "theirs.pdf", FileSamples.pdf(), null);

        for (String url : new String[]{"http://169.254.169.254/latest/meta-data/", "http://10.20.30.40/a.png",
                "http://192.168.1.1/a.png"}) {
            post(tenant.token(), Map.of("phone", TO, "media", Map.of("url", url))).then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("media.url"))
                    .body("detail", containsString("non-public"));
        }
        post(tenant.token(), Map.of("phone", TO, "media", Map.of("file", foreign))).then().statusCode(404)
                .contentType("application/problem+json").body("field", equalTo("media.file"));
        post(tenant.token(), Map.of("phone", TO, "media", Map.of("file", "nope"))).then().statusCode(404)
                .body("field", equalTo("media.file"));
        post(tenant.token(), Map.of("phone", TO, "media", Map.of("file", foreign, "url", "http://127.0.0.1/x")))
                .then().statusCode(400).body("field", equalTo("media.file"));
        post(tenant.token(), Map.of("phone", TO, "media", Map.of("caption", "nothing"))).then().statusCode(400)
                .body("field", equalTo("media.file"));
        given().header("Token", tenant.token()).get("/v1/files/usage").then().body("files", equalTo(0));
    }

    @Test
    void a_media_message_whose_file_was_deleted_before_sending_fails_saying_so() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        String file = upload(tenant.token(), "photo.png", FileSamples.image("png"), null);
        operator(device, "offline");
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);

        String id = Api.send(tenant.token(), Map.of("phone", TO, "media", Map.of("file", file)));
        given().header("Token", tenant.token()).delete("/v1/files/" + file).then().statusCode(200);
        operator(device, "online");

        Api.awaitStatus(tenant.token(), id, "failed", TIMEOUT).then()
                .body("failureReason", equalTo(OutboundMedia.FILE_GONE));
    }

    @Test
    void expiry_of_a_file_referenced_by_a_scheduled_message_is_deferred_until_the_message_ends() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        Instant expiry = clock.instant().plus(Duration.ofMinutes(2));
        String file = upload(tenant.token(), "later.png", FileSamples.image("png"), expiry.toString());
        String id = Api.send(tenant.token(), Map.of("phone", TO, "media", Map.of("file", file),
                "deliverAt", clock.instant().plus(Duration.ofHours(1)).toString()));
        Api.message(tenant.token(), id).then().body("status", equalTo("scheduled"));
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertThat(clock.instant()).isAfter(expiry);

        cleanup.run();
        given().header("Token", tenant.token()).get("/v1/files/" + file).then().statusCode(200);

        given().header("Token", tenant.token()).delete("/v1/messages/" + id).then().statusCode(200);
        cleanup.run();
        given().header("Token", tenant.token()).get("/v1/files/" + file).then().statusCode(404);
    }

    private static void operator(String device, String state) {
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/" + state)
                .then().statusCode(200);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
