package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.event.EventTypes;
import dev.parley.message.MessageStore;
import dev.parley.support.Api;
import dev.parley.support.FaultyDriver;
import dev.parley.support.FlakyMessageStore;
import dev.parley.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 9, point 4: each failure point of the send path is injected, and the sandbox network must see the message
 * exactly once (at most once where the outcome cannot be known), with the record ending in a final status.
 */
@QuarkusTest
class ExactlyOnceClaimTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String TO = "+447911123002";

    @Inject
    SandboxDriver sandbox;
    @Inject
    FaultyDriver driver;
    @Inject
    FlakyMessageStore store;
    @Inject
    TestClock clock;
    @Inject
    Connector connector;
    @Inject
    ConnectorConfig settings;

    @Test
    void a_sent_write_that_fails_a_few_times_is_retried_and_the_message_goes_out_once() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        String id = sendSoon(tenant, Map.of());
        store.failSentWrites(id, 3);

        awaitFinal(tenant, id, "sent", "delivered");
        assertThat(store.sentWrites(id)).isEqualTo(4);
        staysSentOnce(device, id);
    }

    @Test
    void a_sent_write_that_never_lands_keeps_the_claim_until_it_lapses_and_is_then_recorded_without_a_second_send() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        String recorded = sendSoon(tenant, Map.of());
        String removed = sendSoon(tenant, Map.of());
        store.failSentWrites(recorded, 1000);
        store.failSentWrites(removed, 1000);
        awaitRetriesSpent(recorded);
        awaitRetriesSpent(removed);

        Api.message(tenant.token(), recorded).then().body("status", equalTo("processing"));
        // The claim still runs: the send may be in flight, so it cannot be removed yet, but this is not forever.
        given().header("Token", tenant.token()).delete("/v1/messages/" + removed).then().statusCode(409);
        clock.advance(settings.claimLease().plusSeconds(1));
        given().header("Token", tenant.token()).delete("/v1/messages/" + removed).then().statusCode(200)
                .body("status", equalTo("removed"));
        awaitEvent(tenant, EventTypes.MESSAGE_OUT_REMOVED, removed);
        store.failSentWrites(recorded, 0);
        store.failSentWrites(removed, 0);

        // The entry comes back; the lapsed claim is settled from what the network knows, not by sending again.
        awaitFinal(tenant, recorded, "sent", "delivered");
        Api.message(tenant.token(), recorded).then().body("attempts", equalTo(1))
                .body("waId", equalTo(sandbox.waIdOf(device, recorded)));
        staysSentOnce(device, recorded, removed);
    }

    @Test
    void a_claim_that_lapses_after_the_expiration_ends_expired_with_its_event() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        driver.forgetSends(device);
        String id = sendSoon(tenant, Map.of("expiration", Map.of("duration", "10m")));
        store.failSentWrites(id, 1000);
        awaitRetriesSpent(id);

        clock.advance(Duration.ofMinutes(11));
        store.failSentWrites(id, 0);

        awaitFinal(tenant, id, "expired");
        awaitEvent(tenant, EventTypes.MESSAGE_OUT_EXPIRED, id);
        staysSentOnce(device, id);
    }

    @Test
    void a_driver_that_throws_after_the_network_took_the_message_does_not_send_it_again() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        driver.failNextSend(device, FaultyDriver.Fault.THROW_AFTER_SENDING);
        String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "lost answer"));

        Response r = awaitFinal(tenant, id, "sent", "delivered");
        assertThat(r.<Integer>path("attempts")).isEqualTo(1);
        assertThat(r.<String>path("waId")).isEqualTo(sandbox.waIdOf(device, id));
        staysSentOnce(device, id);
    }

    @Test
    void a_driver_that_throws_before_the_network_took_the_message_sends_it_once_on_a_retry() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        driver.failNextSend(device, FaultyDriver.Fault.THROW_BEFORE_SENDING);
        String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "engine hiccup"));

        Response r = awaitFinal(tenant, id, "delivered");
        assertThat(r.<Integer>path("attempts")).isEqualTo(2);
        staysSentOnce(device, id);
    }

    @Test
    void a_driver_that_throws_and_cannot_tell_whether_it_sent_fails_the_message_rather_than_risk_a_duplicate() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        driver.forgetSends(device);
        driver.failNextSend(device, FaultyDriver.Fault.THROW_AFTER_SENDING);
        String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "unknown outcome"));

        awaitFinal(tenant, id, "failed").then().body("failureReason", equalTo(MessageSender.UNKNOWN_OUTCOME));
        awaitEvent(tenant, EventTypes.MESSAGE_OUT_FAILED, id);
        staysSentOnce(device, id);
    }

    @Test
    void a_claim_whose_sender_died_before_sending_is_claimed_again_once_it_lapses_and_sent_once() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        String id = sendSoon(tenant, Map.of());
        // A connector claims it and dies before its driver is called.
        Instant now = clock.instant();
        assertThat(Blocking.await(store.claim(id, 1, now, now.plus(settings.claimLease())))).isTrue();
        assertThat(Blocking.await(store.claim(id, 1, now, now.plus(settings.claimLease()))))
                .as("a live claim is exclusive").isFalse();
        assertThat(Blocking.await(store.reclaim(id, 2, now, now.plus(settings.claimLease()))))
                .as("a live claim is not re-claimed").isFalse();

        clock.advance(settings.claimLease().plusSeconds(1));
        Response r = awaitFinal(tenant, id, "delivered");
        assertThat(r.<Integer>path("attempts")).as("the re-claim counts as an attempt").isEqualTo(2);
        awaitEvent(tenant, EventTypes.MESSAGE_OUT_RETRY, id);
        staysSentOnce(device, id);
    }

    @Test
    void a_lane_interrupted_mid_send_by_a_hand_over_records_the_send_and_the_next_owner_does_not_repeat_it() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        driver.failNextSend(device, FaultyDriver.Fault.HANG_UNTIL_INTERRUPTED);
        String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "slow network"));
        Api.await(() -> sandbox.sent(device).isEmpty() ? null : true, TIMEOUT, () -> "the send to reach the network");

        connector.stop(true); // waits out the in-flight grace, then interrupts the hanging send
        connector.start();

        awaitFinal(tenant, id, "sent", "delivered");
        staysSentOnce(device, id);
    }

    @Test
    void a_held_message_is_not_claimed_from_a_stray_entry_and_goes_out_once_through_its_release() {
        Api.Tenant tenant = Api.newAccount();
        String device = onlineDevice(tenant);
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/offline")
                .then().statusCode(200);
        Api.awaitDeviceStatus(tenant.token(), device, "offline", TIMEOUT);
        String id = Api.send(tenant.token(), Map.of("phone", TO, "message", "held while offline"));
        Api.await(() -> Blocking.await(store.heldFor(device, 10)).contains(id) ? true : null, TIMEOUT,
                () -> "message " + id + " held for the offline device");

        // What a stray entry of it (a hold whose SQS delete failed, a repair racing the hold) would try.
        Instant now = clock.instant();
        assertThat(Blocking.await(store.claimPlain(id, now, now.plusSeconds(60)))).isNull();
        assertThat(Blocking.await(store.claim(id, 1, now, now.plusSeconds(60)))).isFalse();
        Api.message(tenant.token(), id).then().body("status", equalTo("queued"));

        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/online")
                .then().statusCode(200);
        awaitFinal(tenant, id, "sent", "delivered");
        staysSentOnce(device, id);
    }

    private String onlineDevice(Api.Tenant tenant) {
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        return device;
    }

    /** Sends a message due two seconds from now, so the test can arm a fault for its id before it is sent. */
    private String sendSoon(Api.Tenant tenant, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("phone", TO);
        body.put("message", "soon");
        body.put("deliverAt", OffsetDateTime.ofInstant(clock.instant().plusSeconds(2), ZoneOffset.UTC).toString());
        return Api.send(tenant.token(), body);
    }

    private void awaitRetriesSpent(String id) {
        Api.await(() -> store.sentWrites(id) > settings.outcomeRetries() ? true : null, TIMEOUT,
                () -> "every sent write of " + id + " to be tried");
    }

    private static Response awaitFinal(Api.Tenant tenant, String id, String... statuses) {
        List<String> wanted = List.of(statuses);
        return Api.await(() -> {
            Response r = Api.message(tenant.token(), id);
            return wanted.contains(r.<String>path("status")) ? r : null;
        }, TIMEOUT, () -> "message " + id + " to reach " + wanted + "; it is " + Api.message(tenant.token(), id).asString());
    }

    private static void awaitEvent(Api.Tenant tenant, String type, String id) {
        Api.await(() -> {
            List<String> ids = given().header("Token", tenant.token()).queryParam("type", type).queryParam("size", 100)
                    .get("/v1/events").then().statusCode(200).extract().path("data.data.id");
            return ids.contains(id) ? true : null;
        }, TIMEOUT, () -> type + " event of " + id);
    }

    /** The network saw each of {@code ids} exactly once, and still does a while later. */
    private void staysSentOnce(String device, String... ids) {
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(4)).until(() -> sandbox.sent(device).size() == ids.length);
        assertThat(sandbox.sent(device)).extracting(SandboxDriver.SentMessage::messageId).containsExactlyInAnyOrder(ids);
    }
}
