package dev.parley.message;

import dev.parley.aws.Attr;
import dev.parley.aws.DynamoTables;
import dev.parley.common.Ids;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The reads of the messages table over its indexes: listings with filters and cursors, and sparse indexes. */
final class DynamoMessageQueries {

    /** Most queries one listing request may run while filling a page through a filter. */
    private static final int MAX_QUERIES_PER_PAGE = 20;

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;

    DynamoMessageQueries(DynamoDbAsyncClient dynamo, DynamoTables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** Ids of the records in a sparse index partition, oldest (lowest range key) first, up to {@code limit}. */
    Uni<List<String>> idsInIndex(String index, String hashName, String hashValue, String rangeName,
                                 String rangeAtMost, int limit) {
        Map<String, String> names = new HashMap<>(Map.of("#h", hashName));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":h", Attr.s(hashValue)));
        String condition = "#h = :h";
        if (rangeAtMost != null) {
            names.put("#r", rangeName);
            values.put(":r", Attr.s(rangeAtMost));
            condition += " AND #r <= :r";
        }
        QueryRequest request = QueryRequest.builder()
                .tableName(tables.messages())
                .indexName(index)
                .keyConditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .scanIndexForward(true)
                .limit(limit)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.query(request))
                .map(r -> r.items().stream().map(DynamoMessageItems::id).toList());
    }

    /** Our message id for a WhatsApp message id, or null. */
    Uni<String> idForWaId(String waId) {
        QueryRequest request = QueryRequest.builder()
                .tableName(tables.messages())
                .indexName(DynamoTables.MESSAGES_BY_WA_ID)
                .keyConditionExpression("waId = :w")
                .expressionAttributeValues(Map.of(":w", Attr.s(waId)))
                .limit(1)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.query(request))
                .map(r -> r.items().isEmpty() ? null : DynamoMessageItems.id(r.items().getFirst()));
    }

    /**
     * Newest first; runs several queries when a filter discards items, so pages are full where possible.
     * A cursor of another listing is rejected at once (a 400), before anything is read.
     */
    Uni<MessageStore.Page> list(MessageStore.Filter filter, int size, MessageCursor after) {
        Map<String, AttributeValue> start = startKey(filter, after);
        return fill(filter, size, start, new ArrayList<>(), 0);
    }

    /** The key a cursor continues after, checked to belong to the listing the filter describes. */
    private static Map<String, AttributeValue> startKey(MessageStore.Filter filter, MessageCursor cursor) {
        if (cursor == null) {
            return null;
        }
        Map<String, String> position = cursor.position();
        // Exactly the keys of the listing's index, each well-formed: anything else would reach DynamoDB.
        String created = position.get(DynamoMessageItems.CREATED);
        boolean sameScope = filter.deviceId() == null
                ? filter.accountId().equals(position.get("accountId"))
                        && position.keySet().equals(Set.of("accountId", DynamoMessageItems.CREATED, "id"))
                : filter.deviceId().equals(position.get("deviceId"))
                        && position.keySet().equals(Set.of("deviceId", DynamoMessageItems.CREATED, "id"));
        if (!sameScope || !Ids.isId(position.get("id")) || created == null || !created.matches("\\d{13}#[0-9a-f]{24}")) {
            throw ApiException.invalid("cursor", "cursor belongs to a different listing");
        }
        Map<String, AttributeValue> key = new HashMap<>();
        position.forEach((k, v) -> key.put(k, Attr.s(v)));
        return key;
    }

    private static MessageCursor cursorAt(Map<String, AttributeValue> key) {
        if (key == null) {
            return null;
        }
        Map<String, String> position = new HashMap<>();
        key.forEach((k, v) -> position.put(k, v.s()));
        return MessageCursor.at(position);
    }

    private Uni<MessageStore.Page> fill(MessageStore.Filter filter, int size, Map<String, AttributeValue> after,
                                        List<MessageRecord> collected, int queries) {
        QueryRequest request = query(filter, size - collected.size(), after);
        return Uni.createFrom().completionStage(() -> dynamo.query(request)).flatMap(response -> {
            response.items().forEach(item -> collected.add(DynamoMessageItems.fromItem(item)));
            Map<String, AttributeValue> next = lastKey(response);
            if (next == null || collected.size() >= size || queries + 1 >= MAX_QUERIES_PER_PAGE) {
                return Uni.createFrom().item(new MessageStore.Page(collected, cursorAt(next)));
            }
            return fill(filter, size, next, collected, queries + 1);
        });
    }

    private QueryRequest query(MessageStore.Filter filter, int limit, Map<String, AttributeValue> after) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        QueryRequest.Builder builder = QueryRequest.builder()
                .tableName(tables.messages())
                .scanIndexForward(false)
                .limit(limit);
        if (filter.deviceId() != null) {
            builder.indexName(DynamoTables.MESSAGES_BY_DEVICE);
            values.put(":d", Attr.s(filter.deviceId()));
            // The device index is not scoped by account: the account check is part of every query.
            conditions.add("accountId = :a");
            values.put(":a", Attr.s(filter.accountId()));
        } else {
            builder.indexName(DynamoTables.MESSAGES_BY_ACCOUNT);
            values.put(":a", Attr.s(filter.accountId()));
        }
        String keyCondition = filter.deviceId() != null ? "deviceId = :d" : "accountId = :a";
        if (filter.createdFrom() != null || filter.createdTo() != null) {
            String from = filter.createdFrom() == null ? "0" : DynamoMessageItems.sortableMillis(filter.createdFrom());
            String to = filter.createdTo() == null ? "~" : DynamoMessageItems.createdAtMost(filter.createdTo());
            values.put(":cf", Attr.s(from));
            values.put(":ct", Attr.s(to));
            keyCondition += " AND created BETWEEN :cf AND :ct";
        }
        builder.keyConditionExpression(keyCondition);
        if (filter.status() != null) {
            names.put("#status", "status");
            values.put(":s", Attr.s(filter.status().name()));
            conditions.add("#status = :s");
        }
        if (filter.priority() != null) {
            values.put(":p", Attr.s(filter.priority().name()));
            conditions.add("priority = :p");
        }
        if (filter.phone() != null) {
            values.put(":ph", Attr.s(filter.phone()));
            conditions.add("phone = :ph");
        }
        if (filter.group() != null) {
            names.put("#group", "group");
            values.put(":g", Attr.s(filter.group()));
            conditions.add("#group = :g");
        }
        if (filter.reference() != null) {
            names.put("#reference", "reference");
            values.put(":ref", Attr.s(filter.reference()));
            conditions.add("#reference = :ref");
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
}
