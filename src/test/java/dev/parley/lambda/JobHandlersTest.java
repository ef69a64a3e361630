package dev.parley.lambda;

import dev.parley.jobs.lambda.JobHandlers;
import dev.parley.jobs.lambda.JobResult;
import dev.parley.jobs.lambda.QueueRepairHandler;
import dev.parley.jobs.lambda.SchedulePromotionHandler;
import dev.parley.connector.Connector;
import dev.parley.support.Api;
import dev.parley.support.ApiRoleOnly;
import dev.parley.support.FlakyOutboundQueue;
import dev.parley.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Each job's Lambda entry point runs its job against the local services. The jobs role is off here, so
 * only these invocations (not the process scheduler) move anything; the connector is started by hand to send.
 */
@QuarkusTest
@TestProfile(ApiRoleOnly.class)
class JobHandlersTest {

    private static final Map<String, Object> SCHEDULED_EVENT = Map.of(
            "version", "0", "source", "aws.events", "detail-type", "Scheduled Event", "detail", Map.of());

    @Inject
    SchedulePromotionHandler promotion;
    @Inject
    QueueRepairHandler repair;
    @Inject
    TestClock clock;
    @Inject
    FlakyOutboundQueue queue;
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
    void the_schedule_promotion_handler_queues_a_due_message() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        Instant deliverAt = clock.instant().plus(Duration.ofMinutes(30));
        String id = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "scheduled",
                "deliverAt", OffsetDateTime.ofInstant(deliverAt, ZoneOffset.UTC).toString()));
        assertThat(promotion.handleRequest(SCHEDULED_EVENT, null)).isEqualTo(new JobResult(JobHandlers.SCHEDULE_PROMOTION, 0));

        clock.advance(Duration.between(clock.instant(), deliverAt).minusSeconds(2));
        JobResult result = promotion.handleRequest(SCHEDULED_EVENT, null);

        assertThat(result.job()).isEqualTo("schedule-promotion");
        assertThat(result.processed()).isEqualTo(1);
        Api.awaitStatus(tenant.token(), id, "delivered", Duration.ofSeconds(20));
    }

    @Test
    void the_queue_repair_handler_queues_a_message_whose_queue_write_failed() {
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        queue.failNextEnqueues(1);
        String id = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "repair me"));
        clock.advance(Duration.ofMinutes(5));

        JobResult result = repair.handleRequest(SCHEDULED_EVENT, null);

        assertThat(result).isEqualTo(new JobResult(JobHandlers.QUEUE_REPAIR, 1));
        Api.awaitStatus(tenant.token(), id, "delivered", Duration.ofSeconds(20));
        Api.message(tenant.token(), id).then().body("attempts", equalTo(1));
    }
}
