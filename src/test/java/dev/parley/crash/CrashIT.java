package dev.parley.crash;

import dev.parley.support.Api;
import dev.parley.support.LocalServices;
import dev.parley.support.ParleyProcess;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash tests of the packaged all-in-one, run as its own OS process on backing services of this test's own
 * (kept on disk, like make run's): 500 messages over 5 enterprise devices are accepted, then the app is SIGKILLed,
 * or the DynamoDB and SQS emulators are, or the app is stopped gracefully, mid-drain, and started again on the
 * same data. Every accepted message must end delivered, and the sandbox network (whose record of what it received,
 * {@code parley.driver.sandbox.network-log}, survives the restarts) must have seen each exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashIT {

    private static final int DEVICES = 5;
    private static final int PER_DEVICE = 100;
    private static final int ACCEPTED = DEVICES * PER_DEVICE;
    /** How many sends the network sees before the crash: well inside the drain. */
    private static final int CRASH_AFTER = 100;
    /** The enterprise plan's rate in this test's database, so the drain takes seconds, not five minutes. */
    private static final int ENTERPRISE_RATE = 6000;
    /** A ceiling only: seconds on a quiet machine, but on the shared 2-core one a send took up to a second. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    private Path dir;
    private LocalServices services;
    private ParleyProcess app;
    private NetworkRecord network;

    @BeforeAll
    void startServicesAndApp() throws IOException, SQLException {
        Path repo = Path.of(System.getProperty("user.dir"));
        Path jar = repo.resolve("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged all-in-one (mvn package)").exists();
        // PostgreSQL runs as its own user when the tests run as root: it must reach the state directory.
        dir = Files.createTempDirectory("parley-crash", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        services = new LocalServices(repo, dir.resolve("services"));
        services.start();
        Path data = dir.resolve("data");
        network = new NetworkRecord(data.resolve("sandbox-network.log"));
        Map<String, String> env = new HashMap<>(services.env());
        env.put("PARLEY_DATA", data.toString());
        Map<String, String> properties = new TreeMap<>(Map.of(
                "quarkus.profile", "dev",
                "parley.operator-key", Api.OPERATOR_KEY,
                "parley.driver.sandbox.network-log", network.file().toString(),
                // a dead process's shards come back within seconds, its entries within the visibility timeout
                "parley.connector.lease-duration", "3s",
                "parley.connector.heartbeat", "1s",
                "parley.connector.visibility-timeout", "10s",
                "parley.connector.poll-wait", "1s",
                "parley.connector.device-refresh", "500ms",
                "parley.connector.retry-backoff", "200ms"));
        // a claim cut short by the kill is looked at again (and settled from the network log) within seconds
        properties.put("parley.connector.claim-lease", "10s");
        properties.put("vertx.disableURIValidation", "true");
        app = new ParleyProcess(jar, dir.resolve("app.log"), freePort(), env, properties);
        app.start();
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = app.port();
        try (Connection db = DriverManager.getConnection(env.get("QUARKUS_DATASOURCE_JDBC_URL"),
                env.get("QUARKUS_DATASOURCE_USERNAME"), env.get("QUARKUS_DATASOURCE_PASSWORD"))) {
            db.createStatement().executeUpdate(
                    "UPDATE plan SET messages_per_minute = " + ENTERPRISE_RATE + " WHERE name = 'enterprise'");
        }
    }

    @AfterAll
    void stopAll() throws IOException {
        if (app != null) {
            app.kill();
        }
        if (services != null) {
            services.stop();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void an_app_SIGKILLed_mid_drain_and_started_again_delivers_every_accepted_message_exactly_once() {
        Batch batch = accept();
        int seenAtCrash = network.awaitSeen(batch.ids(), CRASH_AFTER);
        app.kill();
        Instant restarted = Instant.now();
        app.start();
        finish("app SIGKILL", batch, seenAtCrash, restarted);
    }

    @Test
    @Order(2)
    void DynamoDB_and_SQS_emulators_SIGKILLed_mid_drain_and_started_again_on_their_data_lose_nothing() {
        app.start();
        Batch batch = accept();
        int seenAtCrash = network.awaitSeen(batch.ids(), CRASH_AFTER);
        services.kill("dynalite");
        services.kill("elasticmq");
        Instant restarted = Instant.now();
        services.start();
        finish("DynamoDB + SQS SIGKILL", batch, seenAtCrash, restarted);
    }

    @Test
    @Order(3)
    void an_app_stopped_gracefully_mid_drain_and_started_again_delivers_every_accepted_message_exactly_once() {
        app.start();
        Batch batch = accept();
        int seenAtStop = network.awaitSeen(batch.ids(), CRASH_AFTER);
        app.stop();
        Instant restarted = Instant.now();
        app.start();
        finish("app graceful stop", batch, seenAtStop, restarted);
    }

    /** An account's messages accepted for this scenario. */
    private record Batch(String token, Set<String> ids) {
    }

    /** A new account with five online enterprise devices, and 100 messages accepted for each. */
    private Batch accept() {
        Api.Tenant tenant = Api.newAccount();
        List<String> devices = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            devices.add(Api.newDevice(tenant.token(), "enterprise"));
        }
        devices.forEach(device -> Api.awaitDeviceStatus(tenant.token(), device, "online", Duration.ofSeconds(60)));
        Set<String> ids = new LinkedHashSet<>();
        for (String device : devices) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < PER_DEVICE; i++) {
                // numbers the sandbox delivers to (none ends 0000 or 9999)
                items.add(Map.of("device", device, "phone", "+4479111" + (20001 + i), "message", "crash test " + i));
            }
            List<String> accepted = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                    .body(Map.of("messages", items)).post("/v1/messages/bulk")
                    .then().statusCode(200).extract().jsonPath().getList("results.id", String.class);
            assertThat(accepted).doesNotContainNull().hasSize(PER_DEVICE);
            ids.addAll(accepted);
        }
        return new Batch(tenant.token(), ids);
    }

    /** Waits until every message of the batch is delivered, then checks what the network saw and prints figures. */
    private void finish(String scenario, Batch batch, int seenAtCrash, Instant restarted) {
        // a listing that fails while the app restarts or its stores recover is asked again
        try {
            Awaitility.await(scenario + ": every message delivered").atMost(DRAIN_TIMEOUT)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> statuses(batch).getOrDefault("delivered", 0L) == ACCEPTED);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(scenario + ": not every message delivered within " + DRAIN_TIMEOUT + "; statuses "
                    + statuses(batch) + ", network saw " + network.sends(batch.ids()).size() + " sends\n"
                    + app.logTail(40), e);
        }
        List<NetworkRecord.Send> sends = network.sends(batch.ids());
        Map<String, Long> perMessage = sends.stream()
                .collect(Collectors.groupingBy(NetworkRecord.Send::messageId, Collectors.counting()));
        long duplicates = sends.size() - perMessage.size();
        Duration resumed = sends.stream().map(NetworkRecord.Send::at).filter(at -> at.isAfter(restarted)).min(
                Comparator.naturalOrder()).map(at -> Duration.between(restarted, at)).orElse(null);
        System.out.printf("[crash] %s: accepted %d, seen before the crash %d, delivered %d, sends seen %d,"
                        + " duplicates %d, sending resumed %s after the restart began%n", scenario, batch.ids().size(),
                seenAtCrash, statuses(batch).getOrDefault("delivered", 0L), sends.size(), duplicates, resumed);

        assertThat(seenAtCrash).as("the crash came mid-drain").isLessThan(ACCEPTED);
        assertThat(perMessage.keySet()).as("every accepted message reached the network").isEqualTo(batch.ids());
        assertThat(perMessage.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("messages the network saw more than once").isEmpty();
    }

    /** How many of the batch's messages are in each status. */
    private Map<String, Long> statuses(Batch batch) {
        Map<String, Long> counts = new TreeMap<>();
        String cursor = null;
        do {
            var request = given().header("Token", batch.token()).queryParam("size", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/v1/messages").then().statusCode(200).extract().response();
            List<String> ids = page.jsonPath().getList("data.id", String.class);
            List<String> statuses = page.jsonPath().getList("data.status", String.class);
            for (int i = 0; i < ids.size(); i++) {
                if (batch.ids().contains(ids.get(i))) {
                    counts.merge(statuses.get(i), 1L, Long::sum);
                }
            }
            cursor = page.path("next");
        } while (cursor != null);
        return counts;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
