package dev.parley.message;

import dev.parley.aws.DynamoTables;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.time.Instant;
import java.util.Map;

import static dev.parley.aws.Attr.n;
import static dev.parley.aws.Attr.s;

/**
 * Remembers which message an {@code Idempotency-Key} created, per account, for a retention period, so a
 * repeated request gets the first result instead of a second message.
 */
@ApplicationScoped
public class IdempotencyStore {

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;

    public IdempotencyStore(DynamoDbAsyncClient dynamo, DynamoTables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** What a key was first used for. */
    public record Claim(String messageId, String fingerprint) {
    }

    /**
     * Claims {@code key} for {@code messageId}. Answers null when this call claimed it, or the earlier claim
     * when the key was already in use and has not expired.
     */
    public Uni<Claim> claim(String accountId, String key, String fingerprint, String messageId, Instant now,
                            Instant expiresAt) {
        String id = accountId + "#" + key;
        PutItemRequest put = PutItemRequest.builder()
                .tableName(tables.idempotency())
                .item(Map.of(
                        "key", s(id),
                        "messageId", s(messageId),
                        "fingerprint", s(fingerprint),
                        "expiresAt", n(expiresAt.getEpochSecond())))
                // An expired claim that TTL has not deleted yet counts as free.
                .conditionExpression("attribute_not_exists(#k) OR expiresAt < :now")
                .expressionAttributeNames(Map.of("#k", "key"))
                .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.putItem(put))
                .map(ignored -> (Claim) null)
                .onFailure(DynamoMessageUpdates::conditionFailed).recoverWithUni(() ->
                        Uni.createFrom().completionStage(() -> dynamo.getItem(b -> b.tableName(tables.idempotency())
                                        .key(Map.of("key", s(id))).consistentRead(true)))
                                .map(r -> {
                                    Map<String, AttributeValue> item = r.item();
                                    return new Claim(item.get("messageId").s(), item.get("fingerprint").s());
                                }));
    }
}
