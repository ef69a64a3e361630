package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriverContract;
import dev.parley.driver.WhatsAppDriverContract.Recorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar killed during a backlog of sends: it is restarted, its device reconnects from the stored session,
 * and every message goes out once, as the fake socket's record shows.
 */
class BaileysSidecarCrashTest {

    private static final int MESSAGES = 80;
    private static final String DEVICE = "crash-1";

    private static DynamoDbAsyncClient dynamo;
    private static DynamoSessionStore dynamoStore;
    private static BaileysConfig config;

    @BeforeAll
    static void sessionsTable() {
        dynamo = BaileysFake.dynamo();
        Path keys = BaileysFake.tempDir().resolve("session.key");
        String table = "baileys-crash-" + UUID.randomUUID();
        config = BaileysFake.config(table, keys);
        dynamoStore = new DynamoSessionStore(dynamo, table, new LocalDataKeys(keys));
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    /**
     * The store with a gate on key writes: closed, the signal keys a send writes are not acknowledged, so a send
     * in flight provably has not reached {@code sendMessage} when the sidecar is killed.
     */
    static final class GatedStore implements SessionStore {
        private final SessionStore store;
        private volatile boolean closed;

        GatedStore(SessionStore store) {
            this.store = store;
        }

        public void provision() { store.provision(); }
        public Optional<String> creds(String deviceId) { return store.creds(deviceId); }
        public void saveCreds(String deviceId, String creds) { store.saveCreds(deviceId, creds); }
        public Map<String, String> keys(String deviceId, String type, Collection<String> ids) { return store.keys(deviceId, type, ids); }
        public void wipe(String deviceId) { store.wipe(deviceId); }

        public void saveKeys(String deviceId, Map<String, Map<String, String>> byType) {
            while (closed) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            store.saveKeys(deviceId, byType);
        }
    }

    @Test
    void a_killed_sidecar_is_restarted_its_device_reconnects_and_every_message_is_sent_once() throws Exception {
        GatedStore store = new GatedStore(dynamoStore);
        ObjectNode send = BaileysFake.JSON.createObjectNode().put("delayMs", 40);
        BaileysFake.Run run = BaileysFake.run(store, config, BaileysFake.script(send), 100);
        BaileysDriver driver = run.driver();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            Recorder recorder = new Recorder();
            new BaileysFake.AutoLinking(driver, new BaileysFake.FakeNetwork(driver)).start(recorder);
            driver.connect(DEVICE, WhatsAppDriverContract.PHONE);
            recorder.awaitStatus(DEVICE, DeviceStatus.online);

            AtomicInteger cutShort = new AtomicInteger();
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String messageId = "msg-" + i;
                sent.add(senders.submit(() -> sendUntilSent(driver, messageId, cutShort)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> run.sends().size() >= 10);

            store.closed = true;
            Thread.sleep(300); // sends past their key write finish; the others wait at it
            long pid = driver.sidecarPid();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            store.closed = false;

            List<String> waIds = new ArrayList<>();
            for (Future<String> f : sent) {
                waIds.add(f.get(60, TimeUnit.SECONDS));
            }

            assertThat(driver.sidecarPid()).isNotEqualTo(pid);
            assertThat(cutShort.get()).as("sends failed by the crash and retried").isPositive();
            int online = recorder.statuses.indexOf(DEVICE + ":online");
            assertThat(recorder.statuses.subList(online, recorder.statuses.size()))
                    .containsSubsequence(DEVICE + ":offline", DEVICE + ":online");
            Map<String, Long> recorded = run.sends().stream()
                    .collect(Collectors.groupingBy(s -> s.path("waId").asText(), Collectors.counting()));
            assertThat(recorded).hasSize(MESSAGES);
            assertThat(recorded.values()).allSatisfy(count -> assertThat(count).isEqualTo(1L));
            assertThat(recorded.keySet()).containsExactlyInAnyOrderElementsOf(waIds);
            assertThat(run.sends().stream().map(s -> s.path("session").asInt()).distinct().count())
                    .as("sockets that sent").isGreaterThan(1);
        } finally {
            senders.shutdownNow();
            driver.stop();
        }
    }

    /** What the connector does: a temporary failure is retried with the same message, so the same WhatsApp id. */
    private static String sendUntilSent(BaileysDriver driver, String messageId, AtomicInteger cutShort)
            throws InterruptedException {
        boolean failed = false;
        for (int attempt = 0; attempt < 300; attempt++) {
            SendResult result = driver.send(DEVICE, WhatsAppDriverContract.text(messageId, BaileysFake.REACHABLE, "x"));
            if (result instanceof SendResult.Sent ok) {
                if (failed) {
                    cutShort.incrementAndGet();
                }
                return ok.waId();
            }
            assertThat(result).isInstanceOf(SendResult.TemporaryFailure.class);
            failed = true;
            Thread.sleep(100);
        }
        throw new AssertionError(messageId + " was never sent");
    }
}
