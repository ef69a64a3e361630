package dev.parley.message;

import dev.parley.common.MessageContent;

import dev.parley.common.Priority;

import dev.parley.aws.Attr;
import dev.parley.aws.DynamoTables;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
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

    private static final Logger LOG = Logger.getLogger(MessageStore.class);

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;
    private final EventOutbox outbox;

    public MessageStore(DynamoDbAsyncClient dynamo, DynamoTables tables, EventOutbox outbox) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.outbox = outbox;
    }

    /** A page of records and the cursor (last evaluated key) to continue after it, null at the end. */
    public record Page(List<MessageRecord> items, Map<String, AttributeValue> next) {
    }

    /** What a listing is narrowed to; null fields do not narrow. */
    public record Filter(String accountId, String deviceId, MessageStatus status, Priority priority, String phone,
                         String group, String reference, Instant createdFrom, Instant createdTo) {

        public Filter(String accountId, String deviceId, MessageStatus status) {
            this(accountId, deviceId, status, null, null, null, null, null, null);
        }
    }

    public Uni<Void> insert(MessageRecord record) {
        return insert(record, Map.of());
    }

    /** Writes a new record with extra (index) attributes; fails if the id exists. */
    public Uni<Void> insert(MessageRecord record, Map<String, AttributeValue> extra) {
        Map<String, AttributeValue> item = toItem(record);
        item.putAll(extra);
        PutItemRequest request = PutItemRequest.builder()
                .tableName(tables.messages())
                .item(item)
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
        return transition(id, to.predecessors(), to, now, extra, Set.of());
    }

    /** As {@link #transition(String, MessageStatus, Instant, Map)}, also removing the named attributes. */
    public Uni<Boolean> transition(String id, MessageStatus to, Instant now, Map<String, AttributeValue> extra,
                                   Set<String> remove) {
        return transition(id, to.predecessors(), to, now, extra, remove);
    }

    /** The general form: explicit allowed current statuses, attributes to set and attributes to remove. */
    public Uni<Boolean> transition(String id, Set<MessageStatus> from, MessageStatus to, Instant now,
                                   Map<String, AttributeValue> extra, Set<String> remove) {
        Map<String, AttributeValue> set = new LinkedHashMap<>(extra);
        set.put("status", s(to.name()));
        set.put("updatedAt", s(now.toString()));
        String stamp = switch (to) {
            case sent -> "sentAt";
            case delivered -> "deliveredAt";
            case read -> "readAt";
            case failed, expired, removed -> "failedAt";
            default -> null;
        };
        if (stamp != null) {
            set.put(stamp, s(now.toString()));
        }
        String eventType = eventType(from, to);
        return update(id, from, set, remove, true).flatMap(item -> {
            if (item == null) {
                return Uni.createFrom().item(false);
            }
            if (eventType == null) {
                return Uni.createFrom().item(true);
            }
            MessageRecord record = fromItem(item);
            return outbox.append(outbox.create(eventType, record.accountId(), record.deviceId(), MessageView.of(record)))
                    .onFailure().retry().withBackOff(java.time.Duration.ofMillis(100)).atMost(3)
                    .onFailure().recoverWithItem(failure -> {
                        LOG.warnf("Event %s for message=%s was not stored: %s", eventType, id, failure.toString());
                        return null;
                    })
                    .replaceWith(true);
        });
    }

    /** The event a transition raises, or null: promotion and claiming are internal steps. */
    static String eventType(Set<MessageStatus> from, MessageStatus to) {
        return switch (to) {
            case sent -> EventTypes.MESSAGE_OUT_SENT;
            case delivered -> EventTypes.MESSAGE_OUT_DELIVERED;
            case read -> EventTypes.MESSAGE_OUT_READ;
            case failed -> EventTypes.MESSAGE_OUT_FAILED;
            case expired -> EventTypes.MESSAGE_OUT_EXPIRED;
            case removed -> EventTypes.MESSAGE_OUT_REMOVED;
            case queued -> from.contains(MessageStatus.processing) && !from.contains(MessageStatus.scheduled)
                    ? EventTypes.MESSAGE_OUT_RETRY : null;
            default -> null;
        };
    }

    /**
     * Sets and removes attributes of a message whose status is one of {@code when} (a status change when
     * {@code set} holds "status"); false, with nothing changed, when the condition fails.
     */
    public Uni<Boolean> mark(String id, Set<MessageStatus> when, Map<String, AttributeValue> set, Set<String> remove) {
        return update(id, when, set, remove, false).map(item -> item != null);
    }

    /** The one conditional update; answers the new item (or an empty map) on success, null on a failed condition. */
    private Uni<Map<String, AttributeValue>> update(String id, Set<MessageStatus> when, Map<String, AttributeValue> set,
                                                    Set<String> remove, boolean returnNew) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#status", "status");
        List<String> parts = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : set.entrySet()) {
            names.put("#s" + i, e.getKey());
            values.put(":s" + i, e.getValue());
            parts.add("#s" + i + " = :s" + i);
            i++;
        }
        StringBuilder expression = new StringBuilder();
        if (!parts.isEmpty()) {
            expression.append("SET ").append(String.join(", ", parts));
        }
        if (!remove.isEmpty()) {
            List<String> removed = new ArrayList<>();
            int k = 0;
            for (String attribute : remove) {
                names.put("#r" + k, attribute);
                removed.add("#r" + k++);
            }
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removed));
        }
        List<String> allowed = new ArrayList<>();
        int j = 0;
        for (MessageStatus status : when) {
            values.put(":w" + j, s(status.name()));
            allowed.add(":w" + j++);
        }
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(tables.messages())
                .key(Map.of("id", s(id)))
                .updateExpression(expression.toString())
                .conditionExpression("attribute_exists(id) AND #status IN (" + String.join(", ", allowed) + ")")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(returnNew ? ReturnValue.ALL_NEW : ReturnValue.NONE)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(request))
                .map(response -> response.hasAttributes() ? response.attributes() : Map.<String, AttributeValue>of())
                .onFailure(MessageStore::conditionFailed).recoverWithNull();
    }

    /** Ids of the records in a sparse index partition, oldest (lowest range key) first, up to {@code limit}. */
    public Uni<List<String>> idsInIndex(String index, String hashName, String hashValue, String rangeName,
                                        String rangeAtMost, int limit) {
        Map<String, String> names = new HashMap<>(Map.of("#h", hashName));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":h", s(hashValue)));
        String condition = "#h = :h";
        if (rangeAtMost != null) {
            names.put("#r", rangeName);
            values.put(":r", s(rangeAtMost));
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
                .map(r -> r.items().stream().map(item -> item.get("id").s()).toList());
    }

    /** Writes up to 25 new records in one call; answers the ids DynamoDB left unprocessed. */
    public Uni<List<String>> insertBatch(List<MessageRecord> records, Map<String, Map<String, AttributeValue>> extra) {
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes = new ArrayList<>();
        for (MessageRecord r : records) {
            Map<String, AttributeValue> item = toItem(r);
            item.putAll(extra.getOrDefault(r.id(), Map.of()));
            writes.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(p -> p.item(item)).build());
        }
        return Uni.createFrom().completionStage(() -> dynamo.batchWriteItem(b -> b
                        .requestItems(Map.of(tables.messages(), writes))))
                .map(response -> response.unprocessedItems().getOrDefault(tables.messages(), List.of()).stream()
                        .map(w -> w.putRequest().item().get("id").s()).toList());
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
            builder.indexName(DynamoTables.MESSAGES_BY_DEVICE);
            values.put(":d", s(filter.deviceId()));
            // The device index is not scoped by account: the account check is part of every query.
            conditions.add("accountId = :a");
            values.put(":a", s(filter.accountId()));
        } else {
            builder.indexName(DynamoTables.MESSAGES_BY_ACCOUNT);
            values.put(":a", s(filter.accountId()));
        }
        String keyCondition = filter.deviceId() != null ? "deviceId = :d" : "accountId = :a";
        if (filter.createdFrom() != null || filter.createdTo() != null) {
            String from = filter.createdFrom() == null ? "0" : String.format("%013d", filter.createdFrom().toEpochMilli());
            // '~' sorts after '#' and every hex digit, so the bound includes every id at that millisecond.
            String to = filter.createdTo() == null ? "~" : String.format("%013d~", filter.createdTo().toEpochMilli());
            values.put(":cf", s(from));
            values.put(":ct", s(to));
            keyCondition += " AND created BETWEEN :cf AND :ct";
        }
        builder.keyConditionExpression(keyCondition);
        if (filter.status() != null) {
            names.put("#status", "status");
            values.put(":s", s(filter.status().name()));
            conditions.add("#status = :s");
        }
        if (filter.priority() != null) {
            values.put(":p", s(filter.priority().name()));
            conditions.add("priority = :p");
        }
        if (filter.phone() != null) {
            values.put(":ph", s(filter.phone()));
            conditions.add("phone = :ph");
        }
        if (filter.group() != null) {
            names.put("#group", "group");
            values.put(":g", s(filter.group()));
            conditions.add("#group = :g");
        }
        if (filter.reference() != null) {
            names.put("#reference", "reference");
            values.put(":ref", s(filter.reference()));
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
        putIfPresent(item, "phone", r.phone());
        putIfPresent(item, "group", r.group());
        item.put("kind", s(r.content().kind().name()));
        putIfPresent(item, "message", r.content().text());
        putIfPresent(item, "link", r.content().link());
        if (r.content().media() != null) {
            MessageContent.Media m = r.content().media();
            Map<String, AttributeValue> media = new LinkedHashMap<>();
            media.put("url", s(m.url()));
            media.put("type", s(m.type().name()));
            putIfPresent(media, "caption", m.caption());
            putIfPresent(media, "filename", m.filename());
            item.put("media", AttributeValue.builder().m(media).build());
        }
        if (r.content().location() != null) {
            MessageContent.Location l = r.content().location();
            Map<String, AttributeValue> location = new LinkedHashMap<>();
            if (l.latitude() != null) {
                location.put("latitude", AttributeValue.builder().n(Double.toString(l.latitude())).build());
                location.put("longitude", AttributeValue.builder().n(Double.toString(l.longitude())).build());
            }
            putIfPresent(location, "address", l.address());
            putIfPresent(location, "name", l.name());
            item.put("location", AttributeValue.builder().m(location).build());
        }
        putIfPresent(item, "reference", r.reference());
        putIfPresent(item, "quote", r.quote());
        putIfPresent(item, "quotedWaId", r.quotedWaId());
        item.put("priority", s(r.priority().name()));
        item.put("status", s(r.status().name()));
        item.put("retries", n(r.retries()));
        item.put("attempts", n(r.attempts()));
        putIfPresent(item, "waId", r.waId());
        putIfPresent(item, "failureReason", r.failureReason());
        item.put("createdAt", s(r.createdAt().toString()));
        item.put("created", s(createdKey(r.createdAt(), r.id())));
        item.put("updatedAt", s(r.updatedAt().toString()));
        if (r.deliverAt() != null) {
            item.put("deliverAt", s(r.deliverAt().toString()));
        }
        if (r.expiresAt() != null) {
            item.put("expiresAt", s(r.expiresAt().toString()));
        }
        return item;
    }

    static MessageRecord fromItem(Map<String, AttributeValue> item) {
        MessageContent.Media media = null;
        if (item.containsKey("media")) {
            Map<String, AttributeValue> m = item.get("media").m();
            media = new MessageContent.Media(str(m, "url"), MessageContent.MediaType.valueOf(str(m, "type")),
                    str(m, "caption"), str(m, "filename"));
        }
        MessageContent.Location location = null;
        if (item.containsKey("location")) {
            Map<String, AttributeValue> l = item.get("location").m();
            location = new MessageContent.Location(
                    l.containsKey("latitude") ? Double.valueOf(l.get("latitude").n()) : null,
                    l.containsKey("longitude") ? Double.valueOf(l.get("longitude").n()) : null,
                    str(l, "address"), str(l, "name"));
        }
        String kind = str(item, "kind");
        MessageContent content = new MessageContent(
                kind == null ? MessageContent.Kind.text : MessageContent.Kind.valueOf(kind),
                str(item, "message"), str(item, "link"), media, location);
        return new MessageRecord(
                str(item, "id"),
                str(item, "accountId"),
                str(item, "deviceId"),
                num(item, "shard"),
                str(item, "phone"),
                str(item, "group"),
                content,
                str(item, "reference"),
                str(item, "quote"),
                str(item, "quotedWaId"),
                Priority.valueOf(str(item, "priority")),
                MessageStatus.valueOf(str(item, "status")),
                num(item, "retries"),
                num(item, "attempts"),
                str(item, "waId"),
                str(item, "failureReason"),
                instant(item, "createdAt"),
                instant(item, "updatedAt"),
                instant(item, "deliverAt"),
                instant(item, "expiresAt"),
                instant(item, "sentAt"),
                instant(item, "deliveredAt"),
                instant(item, "readAt"),
                instant(item, "failedAt"));
    }

    private static int num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Integer.parseInt(v.n());
    }

    public static AttributeValue s(String value) {
        return Attr.s(value);
    }

    public static AttributeValue n(long value) {
        return Attr.n(value);
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
