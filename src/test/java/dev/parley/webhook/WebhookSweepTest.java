package dev.parley.webhook;

import dev.parley.common.Blocking;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import dev.parley.support.Api;
import dev.parley.support.JobsRoleOff;
import dev.parley.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Without the jobs role nothing is dispatched by itself; a cron or Lambda sweep ({@link WebhookDispatcher#run()})
 * delivers what waits and reports the batches it delivered.
 */
@QuarkusTest
@TestProfile(JobsRoleOff.class)
class WebhookSweepTest {

    @Inject
    WebhookDispatcher dispatcher;
    @Inject
    EventOutbox outbox;

    @Test
    void a_sweep_delivers_what_waits_when_no_dispatcher_loop_runs() {
        Api.Tenant tenant = Api.newAccount();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String id = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                    .body(Map.of("url", receiver.url(), "batchSize", 2)).post("/v1/webhooks")
                    .then().statusCode(201).extract().path("id");
            for (int i = 0; i < 5; i++) {
                Blocking.await(outbox.append(outbox.create(EventTypes.MESSAGE_IN_NEW, tenant.accountId(), null,
                        Map.of("n", i))));
            }
            // Nothing arrives by itself (no dispatcher loop); waiting also lets the events settle.
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                    .until(() -> receiver.requests().isEmpty());

            assertThat(dispatcher.run()).isEqualTo(3);

            assertThat(receiver.accepted()).extracting(r -> r.eventIds().size()).containsExactly(2, 2, 1);
            assertThat(dispatcher.run()).isZero();
            given().header("Token", tenant.token()).delete("/v1/webhooks/" + id).then().statusCode(204);
        }
    }
}
