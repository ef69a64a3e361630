package dev.parley.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.aws.AwsConfig;
import dev.parley.common.Blocking;
import dev.parley.common.Priority;
import dev.parley.config.ParleyConfig;
import dev.parley.device.DeviceService;
import dev.parley.jobs.DeadLetterRedriveJob;
import dev.parley.jobs.lambda.DeadLetterRedriveHandler;
import dev.parley.jobs.lambda.JobHandlers;
import dev.parley.jobs.lambda.JobResult;
import dev.parley.jobs.lambda.QueueRepairHandler;
import dev.parley.jobs.lambda.SchedulePromotionHandler;
import dev.parley.connector.Connector;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageStore;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import dev.parley.support.Api;
import dev.parley.support.ApiRoleOnly;
import dev.parley.support.FlakyOutboundQueue;
import dev.parley.support.TestClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

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

    @Inject
    DeadLetterRedriveHandler redrive;
    @Inject
    MessageStore store;
    @Inject
    SqsAsyncClient sqs;
    @Inject
    ObjectMapper json;
    @Inject
    AwsConfig aws;
    @Inject
    ParleyConfig parley;
    @Inject
    MeterRegistry metrics;

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

    @Test
    void the_dead_letter_redrive_handler_moves_a_dead_lettered_entry_back_and_counts_it() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        queue.failNextEnqueues(1); // the record is stored but has no queue entry: the repair job is off here
        String id = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "dead-lettered"));
        MessageRecord record = Blocking.await(store.get(id));
        QueueAddress address = new QueueAddress(DeviceService.shardOf(device, parley.shards()), Priority.normal);
        String deadLetters = Blocking.await(sqs.getQueueUrl(b -> b.queueName(address.deadLetterName(aws.queuePrefix()))))
                .queueUrl();
        String body = json.writeValueAsString(new QueuedMessage(id, record.accountId(), device,
                record.createdAt().toEpochMilli()));
        Blocking.await(sqs.sendMessage(b -> b.queueUrl(deadLetters).messageBody(body)));
        double before = redriven();

        JobResult result = redrive.handleRequest(SCHEDULED_EVENT, null);

        // At least ours: another test of this profile may have left dead letters too.
        assertThat(result.job()).isEqualTo(JobHandlers.DEAD_LETTER_REDRIVE);
        assertThat(result.processed()).isGreaterThanOrEqualTo(1);
        assertThat(redriven()).isEqualTo(before + result.processed());
        Api.awaitStatus(tenant.token(), id, "delivered", Duration.ofSeconds(20));
        Api.message(tenant.token(), id).then().body("attempts", equalTo(1));
    }

    /** The redrive metric for normal priority; registered with the job, so 0 before the job first ran. */
    private double redriven() {
        Counter counter = metrics.find(DeadLetterRedriveJob.METRIC).tag("priority", "normal").counter();
        return counter == null ? 0 : counter.count();
    }
}
