package dev.parley.queue;

import dev.parley.common.Priority;
import dev.parley.aws.AwsConfig;
import dev.parley.aws.DynamoDbHealthCheck;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** Readiness of SQS: shard 0's normal-priority queue can be looked up within {@link DynamoDbHealthCheck#TIMEOUT}. */
@Readiness
@ApplicationScoped
public class SqsHealthCheck implements AsyncHealthCheck {

    static final String NAME = "SQS";

    private final SqsAsyncClient sqs;
    private final String queue;

    public SqsHealthCheck(SqsAsyncClient sqs, AwsConfig config) {
        this.sqs = sqs;
        this.queue = new QueueAddress(0, Priority.normal).name(config.queuePrefix());
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(() -> sqs.getQueueUrl(b -> b.queueName(queue)))
                .ifNoItem().after(DynamoDbHealthCheck.TIMEOUT).fail()
                .map(r -> HealthCheckResponse.named(NAME).up().withData("queue", queue).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("queue", queue).withData("error", failure.getClass().getSimpleName()).build());
    }
}
