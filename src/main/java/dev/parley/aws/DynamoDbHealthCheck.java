package dev.parley.aws;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.time.Duration;

/** Readiness of DynamoDB: the messages table can be described within {@link #TIMEOUT}. */
@Readiness
@ApplicationScoped
public class DynamoDbHealthCheck implements AsyncHealthCheck {

    /** Short, so that a probe answers well before a load balancer's own timeout. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final String NAME = "DynamoDB";

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;

    public DynamoDbHealthCheck(DynamoDbAsyncClient dynamo, DynamoTables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String table = tables.messages();
        return Uni.createFrom().completionStage(() -> dynamo.describeTable(b -> b.tableName(table)))
                .ifNoItem().after(TIMEOUT).fail()
                .map(r -> HealthCheckResponse.named(NAME).up().withData("table", table)
                        .withData("status", r.table().tableStatusAsString()).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("table", table).withData("error", failure.getClass().getSimpleName()).build());
    }
}
