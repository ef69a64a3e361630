package dev.parley.inbound;

import dev.parley.aws.DynamoTables;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static dev.parley.aws.Attr.n;
import static dev.parley.aws.Attr.s;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Incoming messages, the chats they form, and per-device monthly (and daily) counters, in DynamoDB with explicit
 * attribute maps.
 */
@ApplicationScoped
public class InboundStore {

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;

    public InboundStore(DynamoDbAsyncClient dynamo, DynamoTables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /**
     * Monthly counters of a device: incoming messages shown and hidden, media messages sent, and all messages sent
     * ({@code sent}, counted only while billing is on: it prices overage).
     */
    public record Usage(String period, long inbound, long inboundHidden, long media, long sent) {
    }

    public Uni<Void> insert(InboundMessage m) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(m.id()));
        item.put("accountId", s(m.account()));
        item.put("deviceId", s(m.device()));
        item.put("chat", s(m.chat()));
        item.put("from", s(m.from()));
        if (m.text() != null) {
            item.put("text", s(m.text()));
        }
        item.put("waId", s(m.waId()));
        if (m.quotedWaId() != null) {
            item.put("quotedWaId", s(m.quotedWaId()));
        }
        if (m.media() != null) {
            Map<String, AttributeValue> media = new HashMap<>();
            if (m.media().type() != null) {
                media.put("type", s(m.media().type()));
            }
            if (m.media().file() != null) {
                media.put("file", s(m.media().file()));
            }
            if (m.media().filename() != null) {
                media.put("filename", s(m.media().filename()));
            }
            item.put("media", AttributeValue.builder().m(media).build());
        }
        item.put("receivedAt", s(m.receivedAt().toString()));
        item.put("received", s(String.format("%013d#%s", m.receivedAt().toEpochMilli(), m.id())));
        Map<String, AttributeValue> chatValues = new HashMap<>(Map.of(
                ":at", s(m.receivedAt().toString()), ":one", n(1)));
        String chatUpdate = "SET lastMessageAt = :at ADD messages :one";
        if (m.text() != null) {
            chatValues.put(":text", s(m.text().length() > 200 ? m.text().substring(0, 200) : m.text()));
            chatUpdate = "SET lastMessageAt = :at, lastText = :text ADD messages :one";
        }
        String update = chatUpdate;
        return Uni.createFrom().completionStage(() -> dynamo.putItem(b -> b.tableName(tables.inbound()).item(item)))
                .flatMap(ignored -> Uni.createFrom().completionStage(() -> dynamo.updateItem(b -> b
                        .tableName(tables.chats())
                        .key(Map.of("deviceId", s(m.device()), "chat", s(m.chat())))
                        .updateExpression(update)
                        .expressionAttributeValues(chatValues))))
                .replaceWithVoid();
    }

    public Uni<InboundMessage> get(String id) {
        return Uni.createFrom().completionStage(() -> dynamo.getItem(b -> b.tableName(tables.inbound())
                        .key(Map.of("id", s(id))).consistentRead(true)))
                .map(r -> r.hasItem() && !r.item().isEmpty() ? read(r.item()) : null);
    }

    /** A device's incoming messages, newest first, optionally of one chat; at most {@code limit}. */
    public Uni<List<InboundMessage>> list(String deviceId, String chat, Instant before, int limit) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":d", s(deviceId)));
        String key = "deviceId = :d";
        if (before != null) {
            values.put(":b", s(String.format("%013d", before.toEpochMilli())));
            key += " AND received < :b";
        }
        QueryRequest.Builder query = QueryRequest.builder().tableName(tables.inbound())
                .indexName(DynamoTables.INBOUND_BY_DEVICE)
                .keyConditionExpression(key).scanIndexForward(false).limit(limit);
        if (chat != null) {
            values.put(":c", s(chat));
            query.filterExpression("chat = :c");
        }
        QueryRequest request = query.expressionAttributeValues(values).build();
        return Uni.createFrom().completionStage(() -> dynamo.query(request))
                .map(r -> r.items().stream().map(InboundStore::read).toList());
    }

    public Uni<List<Chat>> chats(String deviceId) {
        return Uni.createFrom().completionStage(() -> dynamo.query(b -> b.tableName(tables.chats())
                        .keyConditionExpression("deviceId = :d")
                        .expressionAttributeValues(Map.of(":d", s(deviceId)))))
                .map(r -> r.items().stream().map(item -> new Chat(item.get("chat").s(),
                        Instant.parse(item.get("lastMessageAt").s()),
                        item.containsKey("lastText") ? item.get("lastText").s() : null,
                        Long.parseLong(item.get("messages").n())))
                        .sorted((a, b) -> b.lastMessageAt().compareTo(a.lastMessageAt()))
                        .toList());
    }

    /** Counts one incoming message a device's plan shows, in its month's usage. */
    public Uni<Void> countShown(String deviceId, Instant at) {
        return count(deviceId, at, "inbound");
    }

    /** Counts one incoming message a device's plan hides (no incoming on the plan), in its month's usage. */
    public Uni<Void> countHidden(String deviceId, Instant at) {
        return count(deviceId, at, "inboundHidden");
    }

    /** Counts one media message the device sent, in its month's usage. */
    public Uni<Void> countMedia(String deviceId, Instant at) {
        return count(deviceId, at, "media");
    }

    /**
     * Counts one message the device sent (and, if {@code media}, one media message) in one write, in its month and
     * in that day of it.
     */
    public Uni<Void> countSent(String deviceId, Instant at, boolean media) {
        String day = day(at);
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(b -> b.tableName(tables.usage())
                        .key(Map.of("deviceId", s(deviceId), "period", s(period(at))))
                        .updateExpression(media ? "ADD sent :one, #sd :one, media :one, #md :one"
                                : "ADD sent :one, #sd :one")
                        .expressionAttributeNames(media ? Map.of("#sd", "sent" + day, "#md", "media" + day)
                                : Map.of("#sd", "sent" + day))
                        .expressionAttributeValues(Map.of(":one", n(1)))))
                .replaceWithVoid();
    }

    // The day's counter sits in the month's item next to the month's ("media_29" beside "media"): one write
    // counts both, and one read gives a month's days.
    private Uni<Void> count(String deviceId, Instant at, String counter) {
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(b -> b.tableName(tables.usage())
                        .key(Map.of("deviceId", s(deviceId), "period", s(period(at))))
                        .updateExpression("ADD #c :one, #d :one")
                        .expressionAttributeNames(Map.of("#c", counter, "#d", counter + day(at)))
                        .expressionAttributeValues(Map.of(":one", n(1)))))
                .replaceWithVoid();
    }

    private static String period(Instant at) {
        return YearMonth.from(at.atZone(ZoneOffset.UTC)).toString();
    }

    private static String day(Instant at) {
        return String.format("_%02d", at.atZone(ZoneOffset.UTC).getDayOfMonth());
    }

    /** One UTC day's counters of a device (zero before daily counting began). */
    public record DayUsage(LocalDate date, long inbound, long inboundHidden, long media, long sent) {
    }

    /** The device's counters for each day of one month (UTC), first day first. */
    public Uni<List<DayUsage>> days(String deviceId, YearMonth month) {
        return Uni.createFrom().completionStage(() -> dynamo.getItem(b -> b.tableName(tables.usage())
                        .key(Map.of("deviceId", s(deviceId), "period", s(month.toString()))).consistentRead(true)))
                .map(r -> java.util.stream.IntStream.rangeClosed(1, month.lengthOfMonth()).mapToObj(d -> {
                    String day = String.format("_%02d", d);
                    return new DayUsage(month.atDay(d), number(r.item(), "inbound" + day),
                            number(r.item(), "inboundHidden" + day), number(r.item(), "media" + day),
                            number(r.item(), "sent" + day));
                }).toList());
    }

    public Uni<Usage> usage(String deviceId, Instant at) {
        return usage(deviceId, YearMonth.from(at.atZone(ZoneOffset.UTC)));
    }

    /** The counters of a device in one month (UTC). */
    public Uni<Usage> usage(String deviceId, YearMonth month) {
        String period = month.toString();
        return Uni.createFrom().completionStage(() -> dynamo.getItem(b -> b.tableName(tables.usage())
                        .key(Map.of("deviceId", s(deviceId), "period", s(period))).consistentRead(true)))
                .map(r -> new Usage(period, number(r.item(), "inbound"), number(r.item(), "inboundHidden"),
                        number(r.item(), "media"), number(r.item(), "sent")));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        return item != null && item.containsKey(name) ? Long.parseLong(item.get(name).n()) : 0;
    }

    private static InboundMessage read(Map<String, AttributeValue> item) {
        return new InboundMessage(item.get("id").s(), item.get("accountId").s(), item.get("deviceId").s(),
                item.get("chat").s(), item.get("from").s(), item.containsKey("text") ? item.get("text").s() : null,
                item.get("waId").s(), item.containsKey("quotedWaId") ? item.get("quotedWaId").s() : null,
                Instant.parse(item.get("receivedAt").s()), media(item.get("media")));
    }

    private static InboundMessage.Media media(AttributeValue stored) {
        if (stored == null || !stored.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = stored.m();
        return new InboundMessage.Media(m.containsKey("type") ? m.get("type").s() : null,
                m.containsKey("file") ? m.get("file").s() : null,
                m.containsKey("filename") ? m.get("filename").s() : null);
    }


}
