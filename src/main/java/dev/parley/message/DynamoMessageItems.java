package dev.parley.message;

import dev.parley.aws.Attr;
import dev.parley.common.MessageContent;
import dev.parley.common.Priority;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The messages table's item layout: record ↔ item conversion and the names of the sparse-index marks.
 * The only place that knows how a {@link MessageRecord} is spelled in DynamoDB.
 */
final class DynamoMessageItems {

    /** Shard of a record whose queue write is not confirmed yet (index {@code unconfirmed-created}). */
    static final String UNCONFIRMED = "unconfirmed";
    /** Shard of a scheduled record (index {@code scheduled-due}, with {@link #DUE}). */
    static final String SCHEDULED_SHARD = "scheduledShard";
    /** Due time of a scheduled record, epoch millis zero-padded so it sorts as text. */
    static final String DUE = "due";
    /** Device of a record held outside SQS while that device is offline (index {@code held-device}). */
    static final String HELD_DEVICE = "heldDevice";
    /** Epoch millis until which a processing record's claim runs (a number, so conditions compare it). */
    static final String CLAIM_UNTIL = "claimUntil";
    /** Sort key of the account, device, unconfirmed and held indexes. */
    static final String CREATED = "created";

    /** Marks that only exist while a record waits in one of the sparse indexes. */
    static final Set<String> WAITING_MARKS = Set.of(UNCONFIRMED, SCHEDULED_SHARD, DUE, HELD_DEVICE);
    /** Marks of a scheduled record. */
    static final Set<String> SCHEDULE_MARKS = Set.of(SCHEDULED_SHARD, DUE);

    private DynamoMessageItems() {
    }

    /** The sort key of the account and device indexes: creation time, then id, so equal times stay ordered. */
    static String createdKey(Instant createdAt, String id) {
        return String.format("%013d#%s", createdAt.toEpochMilli(), id);
    }

    /** An upper bound on {@link #CREATED} that includes every id created at or before {@code at}. */
    static String createdAtMost(Instant at) {
        // '~' sorts after '#' and every hex digit.
        return String.format("%013d~", at.toEpochMilli());
    }

    /** Epoch millis zero-padded to sort as text: a {@link #DUE} value, or a bound on it or on {@link #CREATED}. */
    static String sortableMillis(Instant at) {
        return String.format("%013d", at.toEpochMilli());
    }

    /** The sparse-index marks a new record starts with: scheduled ones await promotion, others a queue write. */
    static Map<String, AttributeValue> initialMarks(MessageRecord r) {
        if (r.status() == MessageStatus.scheduled) {
            return Map.of(SCHEDULED_SHARD, Attr.s(Integer.toString(r.shard())), DUE, Attr.s(sortableMillis(r.deliverAt())));
        }
        return Map.of(UNCONFIRMED, Attr.s(Integer.toString(r.shard())));
    }

    /** The item of a new record, with its initial marks. */
    static Map<String, AttributeValue> newItem(MessageRecord r) {
        Map<String, AttributeValue> item = toItem(r);
        item.putAll(initialMarks(r));
        return item;
    }

    static Map<String, AttributeValue> toItem(MessageRecord r) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", Attr.s(r.id()));
        item.put("accountId", Attr.s(r.accountId()));
        item.put("deviceId", Attr.s(r.deviceId()));
        item.put("shard", Attr.n(r.shard()));
        putIfPresent(item, "phone", r.phone());
        putIfPresent(item, "group", r.group());
        putContent(item, r.content());
        putIfPresent(item, "reference", r.reference());
        putIfPresent(item, "quote", r.quote());
        putIfPresent(item, "quotedWaId", r.quotedWaId());
        item.put("priority", Attr.s(r.priority().name()));
        item.put("status", Attr.s(r.status().name()));
        item.put("retries", Attr.n(r.retries()));
        item.put("attempts", Attr.n(r.attempts()));
        putIfPresent(item, "waId", r.waId());
        putIfPresent(item, "failureReason", r.failureReason());
        item.put("createdAt", Attr.s(r.createdAt().toString()));
        item.put(CREATED, Attr.s(createdKey(r.createdAt(), r.id())));
        item.put("updatedAt", Attr.s(r.updatedAt().toString()));
        if (r.deliverAt() != null) {
            item.put("deliverAt", Attr.s(r.deliverAt().toString()));
        }
        if (r.expiresAt() != null) {
            item.put("expiresAt", Attr.s(r.expiresAt().toString()));
        }
        if (r.claimUntil() != null) {
            item.put(CLAIM_UNTIL, Attr.n(r.claimUntil().toEpochMilli()));
        }
        return item;
    }

    private static void putContent(Map<String, AttributeValue> item, MessageContent content) {
        item.put("kind", Attr.s(content.kind().name()));
        putIfPresent(item, "message", content.text());
        putIfPresent(item, "link", content.link());
        if (content.media() != null) {
            MessageContent.Media m = content.media();
            Map<String, AttributeValue> media = new LinkedHashMap<>();
            putIfPresent(media, "url", m.url());
            putIfPresent(media, "file", m.file());
            media.put("type", Attr.s(m.type().name()));
            putIfPresent(media, "caption", m.caption());
            putIfPresent(media, "filename", m.filename());
            item.put("media", AttributeValue.builder().m(media).build());
        }
        if (content.location() != null) {
            MessageContent.Location l = content.location();
            Map<String, AttributeValue> location = new LinkedHashMap<>();
            if (l.latitude() != null) {
                location.put("latitude", AttributeValue.builder().n(Double.toString(l.latitude())).build());
                location.put("longitude", AttributeValue.builder().n(Double.toString(l.longitude())).build());
            }
            putIfPresent(location, "address", l.address());
            putIfPresent(location, "name", l.name());
            item.put("location", AttributeValue.builder().m(location).build());
        }
    }

    static MessageRecord fromItem(Map<String, AttributeValue> item) {
        return new MessageRecord(
                str(item, "id"),
                str(item, "accountId"),
                str(item, "deviceId"),
                num(item, "shard"),
                str(item, "phone"),
                str(item, "group"),
                content(item),
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
                instant(item, "failedAt"),
                item.containsKey(CLAIM_UNTIL) ? Instant.ofEpochMilli(Long.parseLong(item.get(CLAIM_UNTIL).n())) : null);
    }

    private static MessageContent content(Map<String, AttributeValue> item) {
        MessageContent.Media media = null;
        if (item.containsKey("media")) {
            Map<String, AttributeValue> m = item.get("media").m();
            media = new MessageContent.Media(str(m, "url"), MessageContent.MediaType.valueOf(str(m, "type")),
                    str(m, "caption"), str(m, "filename"), str(m, "file"));
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
        return new MessageContent(kind == null ? MessageContent.Kind.text : MessageContent.Kind.valueOf(kind),
                str(item, "message"), str(item, "link"), media, location);
    }

    /** The id of an item (a full item or an index projection). */
    static String id(Map<String, AttributeValue> item) {
        return item.get("id").s();
    }

    /** The attribute a timestamp of reaching {@code to} is kept in, or null. */
    static String stampOf(MessageStatus to) {
        return switch (to) {
            case sent -> "sentAt";
            case delivered -> "deliveredAt";
            case read -> "readAt";
            case failed, expired, removed -> "failedAt";
            default -> null;
        };
    }

    private static int num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Integer.parseInt(v.n());
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, Attr.s(value));
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
