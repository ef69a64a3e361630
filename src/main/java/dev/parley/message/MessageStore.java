package dev.parley.message;

import dev.parley.aws.DynamoTables;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Outbound message records in DynamoDB, with explicit attribute maps. Status changes are conditional
 * writes so that a status only ever moves forward, whoever writes it.
 */
@ApplicationScoped
public class MessageStore {

    /** Most queries one listing request may run while filling a page through a filter. */
    private static final int MAX_QUERIES_PER_PAGE = 20;

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;

    public MessageStore(DynamoDbAsyncClient dynamo, DynamoTables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** A page of records and the cursor (last evaluated key) to continue after it, null at the end. */
    public record Page(List<MessageRecord> items, Map<String, AttributeValue> next) {
    }

    /** What a listing is narrowed to; null fields do not narrow. */
    public record Filter(String accountId, String deviceId, MessageStatus status) {
    }

    public Uni<Void> insert(MessageRecord record) {
        PutItemRequest request = PutItemRequest.builder()
                .tableName(tables.messages())
                .item(toItem(record))
                .conditionExpression("attribute_not_exists(id)")
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.putItem(request)).replaceWithVoid();
    }

    public Uni<MessageRecord> get(String id) {
        GetItemRequest request = GetItemRequest.builder()
                .tableName(tables.messages())
                .key(Map.of("id", s(id)))
                .consistentRead(true)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.getItem(request))
                .map(response -> response.hasItem() && !response.item().isEmpty() ? fromItem(response.item()) : null);
    }

    /**
     * Moves a message to {@code to} if its current status is one of {@code to}'s predecessors, setting the
     * given extra attributes too. Answers false, without changing anything, when the condition fails.
     */
    public Uni<Boolean> transition(String id, MessageStatus to, Instant now, Map<String, AttributeValue> extra) {
        return transition(id, to.predecessors(), to, now, extra);
    }

    /** As {@link #transition(String, MessageStatus, Instant, Map)} with an explicit set of allowed current statuses. */
    public Uni<Boolean> transition(String id, Set<MessageStatus> from, MessageStatus to, Instant now,
                                   Map<String, AttributeValue> extra) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#status", "status");
        values.put(":to", s(to.name()));
        values.put(":now", s(now.toString()));
        StringBuilder set = new StringBuilder("SET #status = :to, updatedAt = :now");
        String stamp = switch (to) {
            case sent -> "sentAt";
            case delivered -> "deliveredAt";
            case read -> "readAt";
            case failed, expired, removed -> "failedAt";
            default -> null;
        };
        if (stamp != null) {
            set.append(", ").append(stamp).append(" = :now");
        }
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : extra.entrySet()) {
            String name = "#x" + i;
            String value = ":x" + i++;
            names.put(name, e.getKey());
            values.put(value, e.getValue());
            set.append(", ").append(name).append(" = ").append(value);
        }
        List<String> allowed = new ArrayList<>();
        int j = 0;
        for (MessageStatus status : from) {
            String value = ":f" + j++;
            values.put(value, s(status.name()));
            allowed.add(value);
        }
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(tables.messages())
                .key(Map.of("id", s(id)))
                .updateExpression(set.toString())
                .conditionExpression("attribute_exists(id) AND #status IN (" + String.join(", ", allowed) + ")")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(request))
                .map(ignored -> true)
                .onFailure(MessageStore::conditionFailed).recoverWithItem(false);
    }

    /** Our message id for a WhatsApp message id, or null. */
    public Uni<String> idForWaId(String waId) {
        QueryRequest request = QueryRequest.builder()
                .tableName(tables.messages())
                .indexName(DynamoTables.MESSAGES_BY_WA_ID)
                .keyConditionExpression("waId = :w")
                .expressionAttributeValues(Map.of(":w", s(waId)))
                .limit(1)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.query(request))
                .map(r -> r.items().isEmpty() ? null : r.items().getFirst().get("id").s());
    }

    /** Newest first; runs several queries when a filter discards items, so pages are full where possible. */
    public Uni<Page> list(Filter filter, int size, Map<String, AttributeValue> after) {
        return fill(filter, size, after, new ArrayList<>(), 0);
    }

    private Uni<Page> fill(Filter filter, int size, Map<String, AttributeValue> after, List<MessageRecord> collected,
                           int queries) {
        QueryRequest request = query(filter, size - collected.size(), after);
        return Uni.createFrom().completionStage(() -> dynamo.query(request)).flatMap(response -> {
            response.items().forEach(item -> collected.add(fromItem(item)));
            Map<String, AttributeValue> next = lastKey(response);
            if (next == null || collected.size() >= size || queries + 1 >= MAX_QUERIES_PER_PAGE) {
                return Uni.createFrom().item(new Page(collected, next));
            }
            return fill(filter, size, next, collected, queries + 1);
        });
    }

    private QueryRequest query(Filter filter, int limit, Map<String, AttributeValue> after) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        QueryRequest.Builder builder = QueryRequest.builder()
                .tableName(tables.messages())
                .scanIndexForward(false)
                .limit(limit);
        if (filter.deviceId() != null) {
            builder.indexName(DynamoTables.MESSAGES_BY_DEVICE).keyConditionExpression("deviceId = :d");
            values.put(":d", s(filter.deviceId()));
            // The device index is not scoped by account: the account check is part of every query.
            conditions.add("accountId = :a");
            values.put(":a", s(filter.accountId()));
        } else {
            builder.indexName(DynamoTables.MESSAGES_BY_ACCOUNT).keyConditionExpression("accountId = :a");
            values.put(":a", s(filter.accountId()));
        }
        if (filter.status() != null) {
            names.put("#status", "status");
            values.put(":s", s(filter.status().name()));
            conditions.add("#status = :s");
        }
        if (!conditions.isEmpty()) {
            builder.filterExpression(String.join(" AND ", conditions));
        }
        if (!names.isEmpty()) {
            builder.expressionAttributeNames(names);
        }
        if (after != null && !after.isEmpty()) {
            builder.exclusiveStartKey(after);
        }
        return builder.expressionAttributeValues(values).build();
    }

    private static Map<String, AttributeValue> lastKey(QueryResponse response) {
        return response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey() : null;
    }

    static boolean conditionFailed(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return cause instanceof ConditionalCheckFailedException;
    }

    /** The sort key of the account and device indexes: creation time, then id, so equal times stay ordered. */
    static String createdKey(Instant createdAt, String id) {
        return String.format("%013d#%s", createdAt.toEpochMilli(), id);
    }

    static Map<String, AttributeValue> toItem(MessageRecord r) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", s(r.id()));
        item.put("accountId", s(r.accountId()));
        item.put("deviceId", s(r.deviceId()));
        item.put("shard", n(r.shard()));
        item.put("phone", s(r.phone()));
        item.put("message", s(r.message()));
        putIfPresent(item, "reference", r.reference());
        item.put("priority", s(r.priority().name()));
        item.put("status", s(r.status().name()));
        item.put("attempts", n(r.attempts()));
        putIfPresent(item, "waId", r.waId());
        putIfPresent(item, "failureReason", r.failureReason());
        item.put("createdAt", s(r.createdAt().toString()));
        item.put("created", s(createdKey(r.createdAt(), r.id())));
        item.put("updatedAt", s(r.updatedAt().toString()));
        return item;
    }

    static MessageRecord fromItem(Map<String, AttributeValue> item) {
        return new MessageRecord(
                str(item, "id"),
                str(item, "accountId"),
                str(item, "deviceId"),
                item.containsKey("shard") ? Integer.parseInt(item.get("shard").n()) : 0,
                str(item, "phone"),
                str(item, "message"),
                str(item, "reference"),
                Priority.valueOf(str(item, "priority")),
                MessageStatus.valueOf(str(item, "status")),
                item.containsKey("attempts") ? Integer.parseInt(item.get("attempts").n()) : 0,
                str(item, "waId"),
                str(item, "failureReason"),
                instant(item, "createdAt"),
                instant(item, "updatedAt"),
                instant(item, "sentAt"),
                instant(item, "deliveredAt"),
                instant(item, "readAt"),
                instant(item, "failedAt"));
    }

    public static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    public static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String v = str(item, name);
        return v == null ? null : Instant.parse(v);
    }
}
