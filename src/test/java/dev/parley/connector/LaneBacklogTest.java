package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.common.Priority;
import dev.parley.config.ParleyConfig;
import dev.parley.device.DeviceService;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.jobs.QueueRepairJob;
import dev.parley.message.MessageStore;
import dev.parley.plan.PlanRepository;
import dev.parley.queue.QueueAddress;
import dev.parley.support.Api;
import dev.parley.support.FlakyOutboundQueue;
import dev.parley.support.ApiRoleOnly;
import dev.parley.support.TestClock;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A backlog far beyond a lane's capacity waits held in DynamoDB, not bounced through SQS: on queues that move an
 * entry to its dead-letter queue after 20 receives ({@code %test.parley.aws.max-receive-count}), nothing gets
 * there and every message goes out exactly once, in the order it was accepted. The backlog builds up at the basic
 * plan's own rate (a few sends, then the rate window stays shut: the test's clock hardly moves), so it is all in
 * the lane or held before the plan's rate is raised and 2,000 sends drain it in seconds; lanes keep at most 100
 * entries (the profile), so the backlog overflows twentyfold.
 */
@QuarkusTest
@TestProfile(ApiRoleOnly.class)
class LaneBacklogTest {

    private static final int BACKLOG = 2000;
    /** Small bulk requests, so the API's parallel queue writes stay within the SQS client's pool on a busy host. */
    private static final int BULK = 100;
    private static final int FAST_RATE = 100_000;
    /**
     * A bound for a loaded build machine, not a latency figure: the lane sends one at a time, each send a few store
     * round trips, so the drain takes about a minute on a quiet 2-core machine and three on a busy one.
     */
    private static final Duration DRAIN = Duration.ofMinutes(5);

    @Inject
    SandboxDriver sandbox;
    @Inject
    PlanRepository plans;
    @Inject
    MessageStore store;
    @Inject
    FlakyOutboundQueue queue;
    @Inject
    ParleyConfig parley;
    @Inject
    TestClock clock;
    @Inject
    QueueRepairJob repair;
    @Inject
    Connector connector;

    @BeforeEach
    void startConnector() {
        connector.start();
    }

    @AfterEach
    void stopConnector() {
        connector.stop();
    }

    @Test
    void two_thousand_messages_on_a_basic_device_are_each_sent_once_in_order_and_none_reaches_a_dead_letter_queue() {
        int basicRate = basicRate(null);
        try {
            Api.Tenant tenant = Api.newAccount();
            String device = Api.newDevice(tenant.token(), "basic");
            Api.awaitDeviceStatus(tenant.token(), device, "online", Duration.ofSeconds(20));

            List<String> expected = new ArrayList<>();
            for (int bulk = 0; bulk < BACKLOG / BULK; bulk++) {
                expected.addAll(sendBulk(tenant, bulk));
                clock.advance(Duration.ofMillis(2)); // the next request's messages are strictly younger
            }
            // Everything received: the lane full at the basic rate's capacity, the rest held, a few sent.
            Api.await(() -> Blocking.await(store.heldFor(device, BACKLOG)).size() + connector.waiting(device)
                    + sandbox.sent(device).size() == BACKLOG ? true : null, DRAIN,
                    () -> "the backlog settling in the lane and the held index");
            List<String> early = sandbox.sent(device).stream().map(SandboxDriver.SentMessage::messageId).toList();
            basicRate(FAST_RATE); // the device's session picks the new rate up at its next refresh

            Api.await(() -> {
                repair.run(); // as the jobs role would, should a queue write have failed on a loaded machine
                return sandbox.sent(device).size() >= BACKLOG ? true : null;
            }, DRAIN, () -> BACKLOG + " sends, saw " + sandbox.sent(device).size());

            // Every message sent exactly once, and in order across every hold and release: bulk by bulk, by id
            // within one (the same creation time). Those sent before the backlog built up are the first bulk's
            // first arrivals, whichever SQS handed out first.
            assertThat(expected.subList(0, BULK)).containsAll(early);
            List<String> rest = new ArrayList<>(expected);
            rest.removeAll(early);
            List<String> sent = sandbox.sent(device).stream().map(SandboxDriver.SentMessage::messageId).toList();
            assertThat(sent).as(firstOutOfOrder(rest, sent))
                    .startsWith(early.toArray(String[]::new))
                    .containsSubsequence(rest)
                    .hasSize(BACKLOG);
            assertThat(Blocking.await(store.heldFor(device, 10))).isEmpty();
            // About once each (and once more after its release); on a loaded host an entry waiting in the lane may
            // lapse before its renewal and come back a few times (4 seen), still far from the dead-letter queue.
            assertThat(expected.stream().mapToInt(queue::mostReceives).max().orElseThrow())
                    .as("receives of any one queue entry").isLessThanOrEqualTo(10);
            int shard = DeviceService.shardOf(device, parley.shards());
            for (Priority priority : Priority.values()) {
                assertThat(queue.redriveDeadLetters(new QueueAddress(shard, priority), 10))
                        .as("dead letters of shard %d %s", shard, priority).isEmpty();
            }
        } finally {
            basicRate(basicRate);
        }
    }

    /** Names the first message sent before one that ranks before it, so a failure says where the order broke. */
    private static String firstOutOfOrder(List<String> expected, List<String> sent) {
        int before = -1;
        for (int i = 0; i < expected.size(); i++) {
            int at = sent.indexOf(expected.get(i));
            if (at < before) {
                return "expected #" + i + " " + expected.get(i) + " was sent as #" + at + ", before expected #"
                        + (i - 1) + " " + expected.get(i - 1) + " (sent as #" + before + ")";
            }
            before = at;
        }
        return "sends in order";
    }

    /** Sends one bulk request of {@link #BULK}; answers its ids in send order (same creation time: by id). */
    private List<String> sendBulk(Api.Tenant tenant, int bulk) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < BULK; i++) {
            items.add(Map.of("phone", "+447911123001", "message", "backlog " + bulk + "/" + i));
        }
        List<String> ids = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("messages", items)).post("/v1/messages/bulk").then().statusCode(200)
                .body("accepted", equalTo(BULK)).extract().path("results.id");
        return ids.stream().sorted(Comparator.naturalOrder()).toList();
    }

    /** Sets the basic plan's rate when {@code rate} is given; answers the rate it had. */
    private int basicRate(Integer rate) {
        return Blocking.onContext(() -> Panache.withTransaction(() -> plans.findById("basic").map(plan -> {
            int old = plan.messagesPerMinute;
            if (rate != null) {
                plan.messagesPerMinute = rate;
            }
            return old;
        })));
    }
}
