package dev.parley.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.common.Blocking;
import dev.parley.common.Ids;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /v1/events} as a polling client uses it: filtered pages reach the end of any run of other events
 * by following {@code next}, and an event whose write lands late is still delivered.
 */
@QuarkusTest
class EventsPollingTest {

    @Inject
    EventOutbox outbox;

    @Inject
    EventsConfig config;

    @Inject
    Clock clock;

    @Inject
    ObjectMapper json;

    @Test
    void a_filtered_poll_follows_next_past_thousands_of_other_events_to_the_match() {
        Api.Tenant tenant = Api.newAccount();
        int others = 2_500;
        appendOthers(tenant, others);
        Event match = outbox.create(EventTypes.MESSAGE_IN_NEW, tenant.accountId(), null, Map.of("n", "match"));
        Blocking.await(outbox.append(match));
        assertThat(config.scanMax()).as("the test profile's scan budget, below the run of other events")
                .isLessThan(others);

        List<String> found = await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<String> ids = new ArrayList<>();
            String after = null;
            for (int page = 0; page < 20; page++) {
                JsonPath body = poll(tenant, EventTypes.MESSAGE_IN_NEW, after);
                ids.addAll(body.getList("data.id"));
                String next = body.getString("next");
                if (next == null) {
                    return ids;
                }
                assertThat(after == null || next.compareTo(after) > 0).as("next %s advances past %s", next, after)
                        .isTrue();
                after = next;
            }
            throw new AssertionError("20 pages did not reach the end of 2,501 events");
        }, ids -> !ids.isEmpty());
        assertThat(found).containsExactly(match.id());
    }

    @Test
    void a_page_cut_short_by_its_scan_budget_still_says_where_to_continue() {
        Api.Tenant tenant = Api.newAccount();
        appendOthers(tenant, config.scanMax() + 10);
        JsonPath first = await().atMost(Duration.ofSeconds(10))
                .until(() -> poll(tenant, EventTypes.MESSAGE_IN_NEW, null), body -> body.getString("next") != null);

        assertThat(first.getList("data")).isEmpty();
        JsonPath second = poll(tenant, EventTypes.MESSAGE_IN_NEW, first.getString("next"));
        assertThat(second.getList("data")).isEmpty();
        assertThat(second.getString("next")).isNull();
    }

    @Test
    void an_event_whose_write_lands_late_is_still_delivered_to_a_poller() {
        Api.Tenant tenant = Api.newAccount();
        poll(tenant, EventTypes.MESSAGE_IN_NEW, null); // warm up, so the steps below take milliseconds
        Event onTime = outbox.create(EventTypes.MESSAGE_IN_NEW, tenant.accountId(), null, Map.of("n", "on time"));
        Blocking.await(outbox.append(onTime));
        List<String> seen = new ArrayList<>();
        String[] cursor = {null};
        pollInto(tenant, cursor, seen);

        // Stamped before the event above but written after the poll: a write slower than usual, within the settle.
        Instant stamped = onTime.createdAt().minusMillis(10);
        Event late = new Event(Ids.newId(stamped), EventTypes.MESSAGE_IN_NEW, stamped, tenant.accountId(), null,
                json.valueToTree(Map.of("n", "late")));
        assertThat(late.key()).isLessThan(onTime.key());
        assertThat(clock.instant()).isBefore(stamped.plus(config.settle()));
        Blocking.await(outbox.append(late));

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            pollInto(tenant, cursor, seen);
            return seen.contains(onTime.id());
        });
        assertThat(seen).containsExactly(late.id(), onTime.id());
    }

    /** Appends {@code count} events of a type the polls below do not ask for, 50 writes at a time. */
    private void appendOthers(Api.Tenant tenant, int count) {
        for (int from = 0; from < count; from += 50) {
            List<Uni<Void>> writes = new ArrayList<>();
            for (int i = from; i < Math.min(from + 50, count); i++) {
                writes.add(outbox.append(outbox.create(EventTypes.MESSAGE_OUT_SENT, tenant.accountId(), null,
                        Map.of("n", i))));
            }
            Blocking.await(Uni.join().all(writes).andFailFast().replaceWithVoid());
        }
    }

    /** One client poll: reads from the cursor, keeps what arrives, and moves the cursor as a client would. */
    private static void pollInto(Api.Tenant tenant, String[] cursor, List<String> seen) {
        JsonPath body = poll(tenant, EventTypes.MESSAGE_IN_NEW, cursor[0]);
        List<String> keys = new ArrayList<>();
        List<Map<String, Object>> data = body.getList("data");
        for (Map<String, Object> event : data) {
            seen.add((String) event.get("id"));
            keys.add(EventOutbox.key(Instant.parse((String) event.get("createdAt")), (String) event.get("id")));
        }
        String next = body.getString("next");
        cursor[0] = next != null ? next : keys.isEmpty() ? cursor[0] : keys.getLast();
    }

    private static JsonPath poll(Api.Tenant tenant, String type, String after) {
        var request = given().header("Token", tenant.token()).queryParam("type", type).queryParam("size", 100);
        if (after != null) {
            request.queryParam("after", after);
        }
        return request.get("/v1/events").then().statusCode(200).extract().jsonPath();
    }
}
