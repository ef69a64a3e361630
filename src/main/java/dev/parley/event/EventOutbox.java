package dev.parley.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.aws.DynamoTables;
import dev.parley.common.Ids;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static dev.parley.aws.Attr.n;
import static dev.parley.aws.Attr.s;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The events outbox in DynamoDB: one stream per account, ordered by {@link Event#key()}, kept for
 * {@code parley.events.retention} by TTL. Appending wakes in-process listeners (the webhook dispatcher),
 * so delivery does not wait for a timer.
 */
@ApplicationScoped
public class EventOutbox {

    private static final Logger LOG = Logger.getLogger(EventOutbox.class);

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration retention;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public EventOutbox(DynamoDbAsyncClient dynamo, DynamoTables tables, ObjectMapper json, Clock clock,
                       EventsConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.json = json;
        this.clock = clock;
        this.retention = config.retention();
    }

    /** How long events are kept: a reader whose cursor is older may have missed some. */
    public Duration retention() {
        return retention;
    }

    /** The stream position of an event created at {@code at} with {@code id}. */
    public static String key(Instant at, String id) {
        return String.format("%013d#%s", at.toEpochMilli(), id);
    }

    /** A new event of {@code type} about {@code data}, stamped now. */
    public Event create(String type, String account, String device, Object data) {
        Instant now = clock.instant();
        return new Event(Ids.newId(now), type, now, account, device, json.valueToTree(data));
    }

    /** Stores an event and wakes the listeners. */
    public Uni<Void> append(Event event) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("accountId", s(event.account()));
        item.put("eventKey", s(event.key()));
        item.put("id", s(event.id()));
        item.put("type", s(event.type()));
        item.put("createdAt", s(event.createdAt().toString()));
        if (event.device() != null) {
            item.put("deviceId", s(event.device()));
        }
        item.put("data", s(write(event)));
        item.put("expiresAt", n(event.createdAt().plus(retention).getEpochSecond()));
        return Uni.createFrom().completionStage(() -> dynamo.putItem(b -> b.tableName(tables.events()).item(item)))
                .invoke(() -> listeners.forEach(EventOutbox::runQuietly))
                .replaceWithVoid();
    }

    /** Registers a callback run after every append in this process. */
    public void onAppend(Runnable listener) {
        listeners.add(listener);
    }

    /** Events read per DynamoDB query while a filtered page looks for matches. */
    private static final int FILTERED_QUERY_ITEMS = 500;

    /**
     * Events of an account after {@code afterKey} (exclusive, null for the oldest kept) and no later than
     * {@code until}, oldest first, at most {@code limit}.
     */
    public Uni<List<Event>> after(String account, String afterKey, Instant until, int limit) {
        return scan(account, afterKey, until, null, null, limit, limit).map(EventScan::events);
    }

    /**
     * A page of an account's events after {@code afterKey} (exclusive, null for the oldest kept) and no later
     * than {@code until}, oldest first, narrowed to {@code types} and {@code device} when given: at most
     * {@code limit} events, looking at no more than {@code scanMax} stored events. The scan's
     * {@link EventScan#position() position} says where to continue when it stopped early.
     */
    public Uni<EventScan> scan(String account, String afterKey, Instant until, Set<String> types, String device,
                               int limit, int scanMax) {
        if (limit < 1 || scanMax < limit) {
            throw new IllegalArgumentException("limit " + limit + " must be at least 1 and at most scanMax " + scanMax);
        }
        String upper = String.format("%013d~", until.toEpochMilli());
        if (afterKey != null && afterKey.compareTo(upper) >= 0) {
            // Nothing can lie after the cursor and before the bound; DynamoDB rejects reversed bounds.
            return Uni.createFrom().item(new EventScan(List.of(), null));
        }
        Map<String, String> names = new HashMap<>(Map.of("#k", "eventKey"));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":a", s(account));
        values.put(":from", s(afterKey == null ? "0" : afterKey + "\u0000"));
        values.put(":to", s(upper));
        List<String> filters = new ArrayList<>();
        if (types != null && !types.isEmpty()) {
            names.put("#t", "type");
            List<String> placeholders = new ArrayList<>();
            int i = 0;
            for (String type : types) {
                values.put(":t" + i, s(type));
                placeholders.add(":t" + i++);
            }
            filters.add("#t IN (" + String.join(", ", placeholders) + ")");
        }
        if (device != null) {
            values.put(":d", s(device));
            filters.add("deviceId = :d");
        }
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tables.events())
                .keyConditionExpression("accountId = :a AND #k BETWEEN :from AND :to")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .scanIndexForward(true);
        if (!filters.isEmpty()) {
            query.filterExpression(String.join(" AND ", filters));
        }
        return collect(query.build(), !filters.isEmpty(), limit, scanMax, new ArrayList<>(), 0);
    }

    /**
     * Queries until {@code limit} events are found, the range ends, or {@code scanMax} stored events were looked
     * at. DynamoDB applies a query's {@code Limit} before its filter and its {@code LastEvaluatedKey} names the
     * last event looked at, matching or not: that is where a page cut short by the budget continues.
     */
    private Uni<EventScan> collect(QueryRequest request, boolean filtered, int limit, int scanMax, List<Event> found,
                                   int scanned) {
        int budget = scanMax - scanned;
        int items = filtered ? Math.min(budget, Math.max(FILTERED_QUERY_ITEMS, limit)) : Math.min(budget, limit - found.size());
        return Uni.createFrom().completionStage(() -> dynamo.query(request.toBuilder().limit(items).build()))
                .flatMap(response -> {
                    response.items().forEach(item -> found.add(read(item)));
                    int looked = scanned + response.scannedCount();
                    if (found.size() >= limit) {
                        List<Event> page = List.copyOf(found.subList(0, limit));
                        return Uni.createFrom().item(new EventScan(page, page.getLast().key()));
                    }
                    boolean more = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
                    if (!more) {
                        return Uni.createFrom().item(new EventScan(List.copyOf(found), null));
                    }
                    if (looked >= scanMax) {
                        return Uni.createFrom().item(new EventScan(List.copyOf(found),
                                response.lastEvaluatedKey().get("eventKey").s()));
                    }
                    return collect(request.toBuilder().exclusiveStartKey(response.lastEvaluatedKey()).build(),
                            filtered, limit, scanMax, found, looked);
                });
    }

    private String write(Event event) {
        try {
            return json.writeValueAsString(event.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event data always serializes", e);
        }
    }

    private Event read(Map<String, AttributeValue> item) {
        try {
            return new Event(item.get("id").s(), item.get("type").s(), Instant.parse(item.get("createdAt").s()),
                    item.get("accountId").s(), item.containsKey("deviceId") ? item.get("deviceId").s() : null,
                    json.readTree(item.get("data").s()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored event data is not JSON", e);
        }
    }


    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("An event listener failed", e);
        }
    }
}
