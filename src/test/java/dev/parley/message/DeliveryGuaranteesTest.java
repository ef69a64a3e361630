package dev.parley.message;

import dev.parley.common.Blocking;
import dev.parley.common.Priority;

import dev.parley.connector.Connector;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.jobs.SchedulePromotionJob;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import dev.parley.support.Api;
import dev.parley.support.FlakyOutboundQueue;
import dev.parley.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class DeliveryGuaranteesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String TO = "+447911123001";

    @Inject
    SandboxDriver sandbox;
    @Inject
    TestClock clock;
    @Inject
    Connector connector;
    @Inject
    SchedulePromotionJob promotion;
    @Inject
    FlakyOutboundQueue queue;
    @Inject
    MessageStore store;

    @Test
    void an_urgent_message_posted_after_twenty_waiting_low_ones_goes_out_next() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        // Use up the device's 15 sends of this minute, so everything after waits in its lane.
        List<String> first = sendMany(tenant, 15, "normal", "warm-up");
        awaitSent(device, 15);
        List<String> lows = sendMany(tenant, 20, "low", "low");
        String urgent = Api.send(tenant.token(), Map.of("phone", TO, "message", "urgent!", "priority", "urgent"));
        Api.await(() -> connector.waiting(device) == 21 ? true : null, TIMEOUT, () -> "21 entries waiting in the lane");
        assertThat(sandbox.sent(device)).hasSize(15);

        clock.advance(Duration.ofSeconds(61));
        awaitSent(device, 30);

        List<String> order = sandbox.sent(device).stream().map(SandboxDriver.SentMessage::messageId).toList();
        assertThat(order.subList(0, 15)).containsExactlyInAnyOrderElementsOf(first);
        assertThat(order.get(15)).isEqualTo(urgent);
        assertThat(order.subList(16, 30)).containsExactlyElementsOf(lows.subList(0, 14));
    }

    @Test
    void no_sixty_second_window_exceeds_the_plan_rate_and_the_backlog_drains_at_that_rate() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "basic");
        List<String> ids = sendMany(tenant, 10, null, "rate");

        awaitSent(device, 3);
        staysSent(device, 3, Duration.ofMillis(1500));
        // The whole backlog waits in the lane before the clock moves, so the lane picks in creation order.
        Api.await(() -> connector.waiting(device) == ids.size() - 3 ? true : null, TIMEOUT,
                () -> (ids.size() - 3) + " entries waiting in the lane");
        for (int step = 0; step < 12 && sandbox.sent(device).size() < 10; step++) {
            clock.advance(Duration.ofSeconds(20));
            // Settled: everything is sent, or the plan's 3 sends of the last minute are used up.
            await().atMost(TIMEOUT).until(() -> sandbox.sent(device).size() >= 10
                    || sentInLastMinute(device) >= 3);
        }
        awaitSent(device, 10);

        List<Instant> times = sandbox.sent(device).stream().map(SandboxDriver.SentMessage::at).toList();
        for (int i = 0; i + 3 < times.size(); i++) {
            assertThat(Duration.between(times.get(i), times.get(i + 3)))
                    .as("sends %d and %d are a minute apart at least", i, i + 3)
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(60));
        }
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId)
                .containsExactlyElementsOf(ids);
    }

    @Test
    void an_enterprise_device_sustains_one_hundred_a_minute_under_a_backlog() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "enterprise");
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            items.add(Map.of("phone", TO, "message", "burst " + i));
        }
        given().header("Token", tenant.token()).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("messages", items)).post("/v1/messages/bulk").then().statusCode(200)
                .body("accepted", equalTo(250));

        awaitSent(device, 100);
        staysSent(device, 100, Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(60));
        awaitSent(device, 200);
        staysSent(device, 200, Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(60));
        awaitSent(device, 250);
    }

    @Test
    void no_sixty_second_window_of_sent_at_holds_more_than_a_basic_plan_allows_while_sends_take_time() {
        noWindowOfSentAtExceedsTheLimit("basic", 3, 7);
    }

    @Test
    void no_sixty_second_window_of_sent_at_holds_more_than_an_enterprise_plan_allows_while_sends_take_time() {
        noWindowOfSentAtExceedsTheLimit("enterprise", 100, 160);
    }

    /**
     * Business time runs about ten times faster than real time, so every send (the sandbox's real latency)
     * takes business time and its start and its {@code sentAt} differ, as on a real network.
     */
    private void noWindowOfSentAtExceedsTheLimit(String plan, int limit, int count) {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, plan);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(Map.of("phone", TO, "message", "window " + i));
        }
        given().header("Token", tenant.token()).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("messages", items)).post("/v1/messages/bulk").then().statusCode(200)
                .body("accepted", equalTo(count));
        ScheduledExecutorService fastClock = Executors.newSingleThreadScheduledExecutor();
        fastClock.scheduleAtFixedRate(() -> clock.advance(Duration.ofMillis(90)), 10, 10, TimeUnit.MILLISECONDS);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.sent(device).size() >= count);
        } finally {
            fastClock.shutdownNow();
        }

        List<Instant> sentAt = Api.await(() -> {
            List<String> recorded = given().header("Token", tenant.token()).queryParam("device", device)
                    .queryParam("size", 500).get("/v1/messages").then().statusCode(200).extract().path("data.sentAt");
            return recorded.size() == count && !recorded.contains(null)
                    ? recorded.stream().map(Instant::parse).sorted().toList() : null;
        }, TIMEOUT, () -> count + " records with a sentAt");
        for (int i = 0; i + limit < sentAt.size(); i++) {
            assertThat(Duration.between(sentAt.get(i), sentAt.get(i + limit)))
                    .as("sentAt %d and %d are a minute apart at least", i, i + limit)
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(60));
        }
    }

    @Test
    void a_message_with_fewer_retries_fails_sooner() {
        Api.Tenant tenant = Api.newAccount();
        onlineDevice(tenant, "business");
        String id = Api.send(tenant.token(), Map.of("phone", "+447911129999", "message", "flaky", "retries", 1));
        Api.awaitStatus(tenant.token(), id, "failed", TIMEOUT).then().body("attempts", equalTo(2))
                .body("failureReason", equalTo("simulated network error (after 2 attempts)"));
    }

    @Test
    void a_device_at_its_limit_does_not_delay_another_device() {
        Api.Tenant busy = Api.newAccount();
        String busyDevice = onlineDevice(busy, "basic");
        sendMany(busy, 30, null, "backlog");
        awaitSent(busyDevice, 3);

        Api.Tenant other = Api.newAccount();
        onlineDevice(other, "basic");
        String id = Api.send(other.token(), Map.of("phone", TO, "message", "not stuck"));
        // Waiting behind the busy device's rate window would take a minute of clock time; the bound leaves
        // room for a loaded CI machine (the old "under 5 s" latency check belongs in the benchmark).
        Api.awaitStatus(other.token(), id, "delivered", TIMEOUT);
        assertThat(sandbox.sent(busyDevice)).hasSize(3);
    }

    @Test
    void a_message_scheduled_twenty_minutes_ahead_is_promoted_and_sent_on_time() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        Instant deliverAt = clock.instant().plus(Duration.ofMinutes(20));
        String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "later", "deliverAt", iso(deliverAt)));
        Api.message(tenant.token(), id).then().body("status", equalTo("scheduled"));

        clock.advance(Duration.ofMinutes(10));
        promotion.run();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> "scheduled".equals(Api.message(tenant.token(), id).path("status")));

        clock.advance(Duration.between(clock.instant(), deliverAt).minusSeconds(3));
        promotion.run();
        Response sent = Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        Instant sentAt = Instant.parse(sent.path("sentAt"));
        assertThat(sentAt).isAfterOrEqualTo(deliverAt).isBefore(deliverAt.plusSeconds(5));
        assertThat(sandbox.sent(device)).hasSize(1);
    }

    @Test
    void a_deliver_at_within_the_lead_is_not_sent_before_it_and_one_in_the_past_is_sent_now() {
        Api.Tenant tenant = Api.newAccount();
        onlineDevice(tenant, "business");
        Instant soon = clock.instant().plusSeconds(3);
        String later = Api.send(tenant.token(), Map.of("phone", TO, "message", "soon", "deliverAt", iso(soon)));
        String past = Api.send(tenant.token(), Map.of("phone", TO, "message", "past",
                "deliverAt", iso(clock.instant().minusSeconds(3600))));
        Api.awaitStatus(tenant.token(), past, "delivered", TIMEOUT);
        Response r = Api.awaitStatus(tenant.token(), later, "delivered", TIMEOUT);
        assertThat(Instant.parse(r.path("sentAt"))).isAfterOrEqualTo(soon);
    }

    @Test
    void removal_and_expiry_prevent_sending() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        setOnline(device, false);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        String removed = Api.send(tenant.token(), Map.of("phone", TO, "message", "remove me"));
        String expiring = Api.send(tenant.token(), Map.of("phone", TO, "message", "expire me",
                "expiration", Map.of("seconds", 30)));
        String scheduled = Api.send(tenant.token(), Map.of("phone", TO, "message", "scheduled then removed",
                "deliverAt", iso(clock.instant().plus(Duration.ofHours(2)))));
        String kept = Api.send(tenant.token(), Map.of("phone", TO, "message", "keep me",
                "expiration", Map.of("duration", "1h")));

        given().header("Token", tenant.token()).delete("/v1/messages/" + removed).then().statusCode(200)
                .body("status", equalTo("removed"));
        given().header("Token", tenant.token()).delete("/v1/messages/" + scheduled).then().statusCode(200)
                .body("status", equalTo("removed"));
        clock.advance(Duration.ofMinutes(1));
        setOnline(device, true);

        Api.awaitStatus(tenant.token(), kept, "delivered", TIMEOUT);
        Api.awaitStatus(tenant.token(), expiring, "expired", TIMEOUT);
        clock.advance(Duration.ofHours(2));
        promotion.run();
        staysSent(device, 1, Duration.ofSeconds(2));
        Api.message(tenant.token(), removed).then().body("status", equalTo("removed"));
        Api.message(tenant.token(), scheduled).then().body("status", equalTo("removed"));
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId).containsExactly(kept);

        given().header("Token", tenant.token()).delete("/v1/messages/" + kept).then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void a_device_offline_longer_than_the_visibility_ceiling_gets_every_message_when_it_returns() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        setOnline(device, false);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        List<String> ids = sendMany(tenant, 5, null, "while offline");
        // Every entry has left SQS for the held index before the clock passes the visibility ceiling.
        await().atMost(TIMEOUT).until(() -> Blocking.await(store.heldFor(device, 10)).size() == ids.size());

        clock.advance(Duration.ofHours(13));
        staysSent(device, 0, Duration.ofSeconds(7));
        for (String id : ids) {
            Api.message(tenant.token(), id).then().body("status", equalTo("queued"));
        }
        assertThat(sandbox.sent(device)).isEmpty();

        setOnline(device, true);
        for (String id : ids) {
            Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        }
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId).containsExactlyElementsOf(ids);
    }

    @Test
    void held_messages_go_out_by_priority_then_age_when_their_device_comes_back_online() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        setOnline(device, false);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        Map<String, List<String>> byPriority = new HashMap<>();
        for (int round = 0; round < 2; round++) {
            for (String priority : List.of("low", "normal", "high", "urgent")) {
                byPriority.computeIfAbsent(priority, p -> new ArrayList<>())
                        .add(Api.send(tenant.token(), Map.of("phone", TO, "message", priority + " " + round,
                                "priority", priority)));
                clock.advance(Duration.ofMillis(50));
            }
        }
        await().atMost(TIMEOUT).until(() -> Blocking.await(store.heldFor(device, 10)).size() == 8);

        clock.advance(Duration.ofSeconds(10));
        setOnline(device, true);
        awaitSent(device, 8);

        List<String> expected = new ArrayList<>();
        for (String priority : List.of("urgent", "high", "normal", "low")) {
            expected.addAll(byPriority.get(priority));
        }
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void a_backlog_far_beyond_the_lane_waits_held_outside_sqs_and_drains_in_order() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "basic");
        // Beyond the lane's 50 by enough to hold dozens; LaneBacklogTest drains a backlog of thousands.
        int count = 90;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(Api.send(tenant.token(), Map.of("phone", TO, "message", "backlog " + i)));
            clock.advance(Duration.ofMillis(1)); // distinct creation times: the send order is the id order
        }
        awaitSent(device, 3);
        // Everything not sent waits in the lane (50) or, beyond it, in the held index, out of SQS.
        Api.await(() -> connector.waiting(device) == 50
                && Blocking.await(store.heldFor(device, count)).size() >= count - 3 - 50
                ? true : null, TIMEOUT, () -> "50 entries waiting in the lane and " + (count - 53) + " held");

        // Steps of 20 s: a send's window slot is taken at its completion, which may come just after a step, so a
        // step may free no slot; about one send per step at 3 a minute.
        for (int step = 0; sandbox.sent(device).size() < count; step++) {
            assertThat(step).as("steps of 20 s to send %d messages at 3 a minute", count).isLessThan(count * 3);
            int before = sandbox.sent(device).size();
            clock.advance(Duration.ofSeconds(20));
            try {
                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                        .until(() -> sandbox.sent(device).size() > before);
            } catch (ConditionTimeoutException e) {
                // No slot freed in this step: the next one frees it.
            }
        }

        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId)
                .containsExactlyElementsOf(ids);
        // Each entry is received about once: overflow is held, not bounced, so none nears a DLQ's max receives.
        assertThat(ids.stream().mapToInt(queue::mostReceives).max().orElseThrow()).isLessThanOrEqualTo(2);
        assertThat(Blocking.await(store.heldFor(device, 10))).isEmpty();
    }

    @Test
    void a_failed_queue_write_is_repaired_and_the_message_is_sent() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "business");
        queue.failNextEnqueues(1);
        String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "survives an SQS outage"));
        Api.message(tenant.token(), id).then().body("status", equalTo("queued"));

        Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId).containsExactly(id);
    }

    @Test
    void a_connector_killed_mid_work_loses_nothing_and_sends_nothing_twice() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant, "basic");
        List<String> ids = sendMany(tenant, 6, null, "crash");
        awaitSent(device, 3);
        Api.await(() -> connector.waiting(device) == 3 ? true : null, TIMEOUT, () -> "3 entries waiting");

        connector.stop(false);
        clock.advance(Duration.ofSeconds(61));
        connector.start();

        for (String id : ids) {
            Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        }
        // A stray duplicate entry of a sent message is dropped, not sent again.
        Blocking.await(queue.enqueue(new QueueAddress(shardOf(tenant, device), Priority.normal),
                new QueuedMessage(ids.getFirst(), tenant.accountId(), device, 0), Duration.ZERO));
        staysSent(device, ids.size(), Duration.ofSeconds(2));
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId)
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    private int shardOf(Api.Tenant tenant, String device) {
        return dev.parley.device.DeviceService.shardOf(device, 2);
    }

    private String onlineDevice(Api.Tenant tenant, String plan) {
        String device = Api.newDevice(tenant.token(), plan);
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        return device;
    }

    private List<String> sendMany(Api.Tenant tenant, int count, String priority, String text) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> body = new HashMap<>(Map.of("phone", TO, "message", text + " " + i));
            if (priority != null) {
                body.put("priority", priority);
            }
            ids.add(Api.send(tenant.token(), body));
        }
        return ids;
    }

    private void awaitSent(String device, int count) {
        Api.await(() -> sandbox.sent(device).size() >= count ? true : null, TIMEOUT,
                () -> count + " sends from device " + device + ", saw " + sandbox.sent(device).size());
    }

    private static void setOnline(String device, boolean online) {
        given().header("Operator-Key", Api.OPERATOR_KEY)
                .post("/v1/operator/sandbox/devices/" + device + (online ? "/online" : "/offline"))
                .then().statusCode(200);
    }

    private static String iso(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.ofHours(1)).toString();
    }

    /** Negative check: the device's send count stays at {@code count} for {@code period}. */
    private void staysSent(String device, int count, Duration period) {
        await().during(period).atMost(period.plusSeconds(3))
                .until(() -> sandbox.sent(device).size() == count);
    }

    /** Sends of the device within the rate window (the last 60 s of the test clock), as the limiter counts them. */
    private long sentInLastMinute(String device) {
        Instant windowStart = clock.instant().minusSeconds(60);
        return sandbox.sent(device).stream().filter(m -> m.at().isAfter(windowStart)).count();
    }
}
