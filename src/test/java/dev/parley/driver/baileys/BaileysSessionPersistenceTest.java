package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriverContract;
import dev.parley.driver.WhatsAppDriverContract.Recorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.parley.driver.WhatsAppDriverContract.EVENT_WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A linked device's session lives in DynamoDB, sealed: a new driver resumes it without linking again. */
class BaileysSessionPersistenceTest {

    private static DynamoDbAsyncClient dynamo;
    private static DynamoSessionStore store;
    private static BaileysConfig config;
    private static Path keyFile;
    private static String table;
    private final List<BaileysDriver> drivers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void sessionsTable() {
        dynamo = BaileysFake.dynamo();
        keyFile = BaileysFake.tempDir().resolve("data").resolve("session.key");
        table = "baileys-persistence-" + UUID.randomUUID();
        config = BaileysFake.config(table, keyFile);
        store = new DynamoSessionStore(dynamo, table, new LocalDataKeys(keyFile));
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @AfterEach
    void stopDrivers() {
        drivers.forEach(BaileysDriver::stop);
    }

    private BaileysFake.Run run() {
        BaileysFake.Run run = BaileysFake.run(store, config, BaileysFake.script(null), 100);
        drivers.add(run.driver());
        return run;
    }

    /** Links {@code deviceId} by QR through the fake phone and waits until it is online. */
    private Recorder linked(BaileysDriver driver, String deviceId) {
        Recorder recorder = new Recorder();
        BaileysFake.FakeNetwork network = new BaileysFake.FakeNetwork(driver);
        new BaileysFake.AutoLinking(driver, network).start(recorder);
        driver.connect(deviceId, WhatsAppDriverContract.PHONE);
        recorder.awaitStatus(deviceId, DeviceStatus.online);
        assertThat(recorder.codes).isNotEmpty();
        return recorder;
    }

    @Test
    void a_linked_device_comes_back_online_from_the_stored_session_without_a_new_code() throws Exception {
        BaileysFake.Run first = run();
        linked(first.driver(), "keep-1");
        assertThat(first.driver().send("keep-1", WhatsAppDriverContract.text("m1", BaileysFake.REACHABLE, "hi")))
                .isInstanceOf(SendResult.Sent.class);
        JsonNode creds = BaileysFake.JSON.readTree(store.creds("keep-1").orElseThrow());
        assertThat(creds.path("me").path("id").asText()).startsWith("447911123456");
        first.driver().stop();

        BaileysFake.Run second = run();
        Recorder recorder = new Recorder();
        second.driver().start(recorder);
        second.driver().connect("keep-1", WhatsAppDriverContract.PHONE);

        recorder.awaitStatus("keep-1", DeviceStatus.online);
        assertThat(recorder.codes).isEmpty();
        assertThat(recorder.statuses).doesNotContain("keep-1:linking", "keep-1:pending");
        // the new sidecar's socket was made with the linked creds it read from DynamoDB
        assertThat(second.recorded("makeSocket")).first().satisfies(s -> assertThat(s.path("linked").asBoolean()).isTrue());
        JsonNode after = BaileysFake.JSON.readTree(store.creds("keep-1").orElseThrow());
        assertThat(after.path("noiseKey")).isEqualTo(creds.path("noiseKey"));
        assertThat(after.path("me")).isEqualTo(creds.path("me"));
        assertThat(second.driver().send("keep-1", WhatsAppDriverContract.text("m2", BaileysFake.REACHABLE, "again")))
                .isInstanceOf(SendResult.Sent.class);
    }

    @Test
    void the_table_holds_no_plaintext_key_material() throws Exception {
        BaileysFake.Run run = run();
        linked(run.driver(), "sealed-1");
        assertThat(run.driver().send("sealed-1", WhatsAppDriverContract.text("m", BaileysFake.REACHABLE, "hi")))
                .isInstanceOf(SendResult.Sent.class);
        JsonNode creds = BaileysFake.JSON.readTree(store.creds("sealed-1").orElseThrow());
        String sessionJid = "447911123001@s.whatsapp.net";
        assertThat(store.keys("sealed-1", "session", List.of(sessionJid))).containsKey(sessionJid);

        List<Map<String, AttributeValue>> items = dynamo.scan(b -> b.tableName(table)).get().items().stream()
                .filter(item -> item.get("device").s().equals("sealed-1")).toList();
        assertThat(items).extracting(item -> item.get("item").s()).contains("creds", "k#session#" + sessionJid);

        List<String> secrets = new ArrayList<>(List.of("noiseKey", "signedIdentityKey", "signedPreKey",
                "advSecretKey", "registrationId", "\"Buffer\"", "fake-session",
                Base64.getEncoder().encodeToString(("fake-session:" + sessionJid).getBytes(StandardCharsets.UTF_8))));
        for (String key : List.of("noiseKey", "signedIdentityKey", "pairingEphemeralKeyPair")) {
            secrets.add(creds.path(key).path("private").path("data").asText());
            secrets.add(creds.path(key).path("public").path("data").asText());
        }
        secrets.add(creds.path("advSecretKey").asText());
        assertThat(secrets).allSatisfy(secret -> assertThat(secret).isNotBlank());
        for (Map<String, AttributeValue> item : items) {
            StringBuilder raw = new StringBuilder(item.toString());
            item.values().stream().filter(v -> v.b() != null).forEach(v -> {
                byte[] bytes = v.b().asByteArray();
                raw.append(new String(bytes, StandardCharsets.ISO_8859_1)).append(Base64.getEncoder().encodeToString(bytes));
            });
            assertThat(secrets).allSatisfy(secret -> assertThat(raw.toString()).doesNotContain(secret));
        }
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void a_device_logged_out_by_whatsapp_has_its_session_wiped() {
        BaileysFake.Run run = run();
        Recorder recorder = linked(run.driver(), "gone-1");
        assertThat(run.driver().send("gone-1", WhatsAppDriverContract.text("m", BaileysFake.REACHABLE, "hi")))
                .isInstanceOf(SendResult.Sent.class);
        assertThat(store.creds("gone-1")).isPresent();

        new BaileysFake.FakeNetwork(run.driver()).logOut("gone-1");

        recorder.awaitStatus("gone-1", DeviceStatus.logged_out);
        await().atMost(EVENT_WAIT).until(() -> store.creds("gone-1").isEmpty());
        assertThat(store.keys("gone-1", "session", List.of("447911123001@s.whatsapp.net"))).isEmpty();
    }
}
