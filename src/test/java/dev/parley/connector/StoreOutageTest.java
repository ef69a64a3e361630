package dev.parley.connector;

import dev.parley.support.Api;
import dev.parley.support.StoreFaults;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With DynamoDB and SQS unreachable under a running app, the background loops log the outage once when it starts
 * and once when it ends, readiness says so, and sending resumes by itself when the stores are back.
 */
@QuarkusTest
class StoreOutageTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Loops that report an outage: pollers, device refresh, leases, two jobs, the webhook sweep and turns, events. */
    private static final int LOOPS = 8;

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void heal() {
        StoreFaults.heal();
        Logger.getLogger("dev.parley").removeHandler(capture);
    }

    @Test
    void an_outage_is_logged_when_it_starts_and_ends_and_sending_resumes_by_itself() {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "enterprise");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        Logger.getLogger("dev.parley").addHandler(capture);

        int before = StoreFaults.refused();
        StoreFaults.dynamoDown();
        StoreFaults.sqsDown();
        // Every loop has failed several times over: the pollers, leases and jobs each run at least every 2 s.
        Api.await(() -> StoreFaults.refused() > before + 60 ? true : null, TIMEOUT,
                () -> "the background loops to fail repeatedly");
        given().get("/q/health/ready").then().statusCode(503);
        List<String> outagesLogged = outageStarts();
        StoreFaults.heal();

        String id = Api.send(tenant.token(), Map.of("device", device, "phone", "+447911123001", "message", "back"));
        Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        Api.await(() -> records.stream().anyMatch(r -> r.getMessage().contains("recovered")) ? true : null, TIMEOUT,
                () -> "a loop to log its recovery");
        // Ready again once every loop has gone a quiet period (OutageLog.QUIET) without a failure.
        Api.await(() -> given().get("/q/health/ready").statusCode() == 200 ? true : null, TIMEOUT,
                () -> "readiness to come back");

        // Each loop logged the outage's start once, whatever the number of calls that failed. (Device lanes
        // still log each failed entry: they are the send path, outside these loops.)
        assertThat(outagesLogged).as("outage starts logged during %d refused calls", StoreFaults.refused() - before)
                .isNotEmpty().hasSizeLessThanOrEqualTo(LOOPS).doesNotHaveDuplicates();
    }

    /** The loops whose outage start was logged, by the sentence that names them. */
    private List<String> outageStarts() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).filter(m -> m != null && m.contains("is failing since"))
                .map(m -> m.substring(0, m.indexOf(" is failing since"))).toList();
    }
}
