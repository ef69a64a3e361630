package dev.parley.message;

import dev.parley.aws.Attr;
import dev.parley.aws.DynamoTables;
import dev.parley.common.Priority;
import dev.parley.event.EventOutbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.parley.message.DynamoMessageItems.CLAIM_UNTIL;
import static dev.parley.message.DynamoMessageItems.HELD_DEVICE;
import static dev.parley.message.DynamoMessageItems.SCHEDULE_MARKS;
import static dev.parley.message.DynamoMessageItems.UNCONFIRMED;
import static dev.parley.message.DynamoMessageItems.WAITING_MARKS;

/**
 * Outbound message records in DynamoDB, in the send path's own words: a record is inserted waiting
 * (scheduled, or queued and unconfirmed), then claimed, sent, failed, held, released... Every status change
 * is a conditional write, so a status only ever moves forward whoever writes it; the visible ones raise
 * their event.
 */
@ApplicationScoped
public class MessageStore {

    private static final Set<MessageStatus> ANY = EnumSet.allOf(MessageStatus.class);
    private static final Set<MessageStatus> QUEUED = EnumSet.of(MessageStatus.queued);
    private static final Set<MessageStatus> PROCESSING = EnumSet.of(MessageStatus.processing);
    /** Marks a record sheds once it is claimed for sending. */
    private static final Set<String> CLAIM_REMOVES = Set.of(UNCONFIRMED, HELD_DEVICE);
    /** What a record sheds when its claim ends: the claim, and any waiting mark (a final status waits nowhere). */
    private static final Set<String> FINAL_REMOVES = withClaim(WAITING_MARKS);

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;
    private final DynamoMessageUpdates updates;
    private final DynamoMessageQueries queries;

    public MessageStore(DynamoDbAsyncClient dynamo, DynamoTables tables, EventOutbox outbox) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.updates = new DynamoMessageUpdates(dynamo, tables, outbox);
        this.queries = new DynamoMessageQueries(dynamo, tables);
    }

    /** A page of records and the cursor to continue after it, null at the end. */
    public record Page(List<MessageRecord> items, MessageCursor next) {
    }

    /** What a listing is narrowed to; null fields do not narrow. */
    public record Filter(String accountId, String deviceId, MessageStatus status, Priority priority, String phone,
                         String group, String reference, Instant createdFrom, Instant createdTo) {

        public Filter(String accountId, String deviceId, MessageStatus status) {
            this(accountId, deviceId, status, null, null, null, null, null, null);
        }
    }

    // ---- writing new records ----

    /**
     * Writes a new record, waiting: a scheduled one for the promotion job, a queued one unconfirmed until
     * {@link #confirmQueued} (the repair job queues it otherwise). Fails if the id exists.
     */
    public Uni<Void> insert(MessageRecord record) {
        PutItemRequest request = PutItemRequest.builder()
                .tableName(tables.messages())
                .item(DynamoMessageItems.newItem(record))
                .conditionExpression("attribute_not_exists(id)")
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.putItem(request)).replaceWithVoid();
    }

    /** Writes up to 25 new records, waiting as {@link #insert} does, in one call; answers the ids left unwritten. */
    public Uni<List<String>> insertBatch(List<MessageRecord> records) {
        List<WriteRequest> writes = new ArrayList<>();
        for (MessageRecord r : records) {
            Map<String, AttributeValue> item = DynamoMessageItems.newItem(r);
            writes.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
        }
        return Uni.createFrom().completionStage(() -> dynamo.batchWriteItem(b -> b
                        .requestItems(Map.of(tables.messages(), writes))))
                .map(response -> response.unprocessedItems().getOrDefault(tables.messages(), List.of()).stream()
                        .map(w -> DynamoMessageItems.id(w.putRequest().item())).toList());
    }

    // ---- reading ----

    /** The record, read consistently, or null. */
    public Uni<MessageRecord> get(String id) {
        GetItemRequest request = GetItemRequest.builder()
                .tableName(tables.messages())
                .key(Map.of("id", Attr.s(id)))
                .consistentRead(true)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.getItem(request))
                .map(response -> response.hasItem() && !response.item().isEmpty()
                        ? DynamoMessageItems.fromItem(response.item()) : null);
    }

    /** Our message id for the id WhatsApp gave a sent message, or null. */
    public Uni<String> findByWaId(String waId) {
        return queries.idForWaId(waId);
    }

    /**
     * A listing page, newest first, after {@code cursor} (null for the first page). A cursor of another
     * listing is rejected as this method is called, before the returned work runs.
     */
    public Uni<Page> list(Filter filter, int size, MessageCursor cursor) {
        return queries.list(filter, size, cursor);
    }

    // ---- the waiting indexes: ids, oldest first, at most limit (page them with IndexPages) ----

    /** Scheduled messages of a shard due at or before {@code until}. */
    public Uni<List<String>> dueScheduled(int shard, Instant until, int limit) {
        return queries.idsInIndex(DynamoTables.MESSAGES_SCHEDULED, DynamoMessageItems.SCHEDULED_SHARD,
                Integer.toString(shard), DynamoMessageItems.DUE, DynamoMessageItems.sortableMillis(until), limit);
    }

    /** Messages of a shard created at or before {@code before} whose queue write is not confirmed. */
    public Uni<List<String>> unconfirmedBefore(int shard, Instant before, int limit) {
        return queries.idsInIndex(DynamoTables.MESSAGES_UNCONFIRMED, UNCONFIRMED, Integer.toString(shard),
                DynamoMessageItems.CREATED, DynamoMessageItems.createdAtMost(before), limit);
    }

    /**
     * Messages held for a device (offline, or with a full lane), in send order: priority (urgent first), then
     * creation. Each priority is its own partition of the held index, so this order costs no extra reads.
     */
    public Uni<List<String>> heldFor(String deviceId, int limit) {
        List<String> partitions = new ArrayList<>();
        for (Priority priority : Priority.values()) {
            partitions.add(heldKey(deviceId, priority));
        }
        // Records held before the index was split by priority carry the bare device id: read them last.
        partitions.add(deviceId);
        return heldIn(partitions, 0, new ArrayList<>(), limit);
    }

    private Uni<List<String>> heldIn(List<String> partitions, int next, List<String> found, int limit) {
        if (next == partitions.size() || found.size() >= limit) {
            return Uni.createFrom().item(found);
        }
        return queries.idsInIndex(DynamoTables.MESSAGES_HELD, HELD_DEVICE, partitions.get(next),
                        DynamoMessageItems.CREATED, null, limit - found.size())
                .flatMap(ids -> {
                    found.addAll(ids);
                    return heldIn(partitions, next + 1, found, limit);
                });
    }

    /** The held index partition of a device's messages of one priority. */
    static String heldKey(String deviceId, Priority priority) {
        return deviceId + "#" + priority.name();
    }

    // ---- marks: which waiting index a record is in (status unchanged) ----

    /** The queue write of a record landed: it leaves the unconfirmed index, whatever its status. */
    public Uni<Boolean> confirmQueued(String id) {
        return updates.mark(id, ANY, Map.of(), Set.of(UNCONFIRMED));
    }

    /** Drops a record that is no longer scheduled from the scheduled index. */
    public Uni<Boolean> dropSchedule(String id) {
        return updates.mark(id, ANY, Map.of(), SCHEDULE_MARKS);
    }

    /**
     * Holds a queued record of {@code priority} for its device, offline or with a full lane (its queue entry may
     * then go); false if not queued.
     */
    public Uni<Boolean> hold(String id, String deviceId, Priority priority) {
        return updates.mark(id, QUEUED, Map.of(HELD_DEVICE, Attr.s(heldKey(deviceId, priority))), Set.of(UNCONFIRMED));
    }

    /**
     * Releases a held, still queued record: it becomes unconfirmed on its shard until it is queued again;
     * false if no longer queued.
     */
    public Uni<Boolean> release(String id, int shard) {
        return updates.mark(id, QUEUED, Map.of(UNCONFIRMED, Attr.s(Integer.toString(shard))), Set.of(HELD_DEVICE));
    }

    /** Drops a record that is no longer queued from the held index. */
    public Uni<Boolean> dropHold(String id) {
        return updates.mark(id, ANY, Map.of(), Set.of(HELD_DEVICE));
    }

    // ---- status transitions: conditional, forward only; false when the record was not in a prior status ----

    /** Moves a due scheduled record into its queue's path (queued, unconfirmed on {@code shard}). */
    public Uni<Boolean> promote(String id, int shard, Instant now) {
        return transition(id, MessageStatus.queued, now, Map.of(UNCONFIRMED, Attr.s(Integer.toString(shard))),
                SCHEDULE_MARKS);
    }

    /**
     * Claims a queued record for sending (queued → processing) until {@code claimUntil}, as its {@code attempt}-th
     * attempt. While the claim runs, nobody else may claim, expire or remove the record. A held record is not
     * claimed: it goes out through its release, in order with the others held.
     */
    public Uni<Boolean> claim(String id, int attempt, Instant now, Instant claimUntil) {
        return updates.claimQueued(id, now, claimSet(attempt, claimUntil), CLAIM_REMOVES);
    }

    /**
     * Claims a plain queued record (no {@code deliverAt}, no expiration) for its next attempt without reading it
     * first, answering the claimed record; null, with nothing changed, when the record is anything else (missing,
     * final, claimed, held, scheduled or expiring), which the caller then reads and decides on as before.
     */
    public Uni<MessageRecord> claimPlain(String id, Instant now, Instant claimUntil) {
        return updates.claimPlain(id, now, claimUntil, CLAIM_REMOVES);
    }

    /**
     * Claims a record whose earlier claim lapsed unfinished (processing → processing) as its {@code attempt}-th
     * attempt, raising a retry event; false while the earlier claim still runs.
     */
    public Uni<Boolean> reclaim(String id, int attempt, Instant now, Instant claimUntil) {
        return updates.transition(id, PROCESSING, MessageStatus.processing, now, claimSet(attempt, claimUntil),
                CLAIM_REMOVES);
    }

    private static Map<String, AttributeValue> claimSet(int attempt, Instant claimUntil) {
        return Map.of("attempts", Attr.n(attempt), CLAIM_UNTIL, Attr.n(claimUntil.toEpochMilli()));
    }

    /** Records a send WhatsApp accepted, with the id it gave the message. */
    public Uni<Boolean> markSent(String id, String waId, int attempts, Instant now) {
        return transition(id, MessageStatus.sent, now,
                Map.of("waId", Attr.s(waId), "attempts", Attr.n(attempts)), Set.of(CLAIM_UNTIL));
    }

    /** Returns a claimed record to its queue after a transient failure, for a later attempt. */
    public Uni<Boolean> requeue(String id, int attempts, String reason, Instant now) {
        return transition(id, MessageStatus.queued, now,
                Map.of("attempts", Attr.n(attempts), "failureReason", Attr.s(reason)), Set.of(CLAIM_UNTIL));
    }

    /** Fails a record after {@code attempts} send attempts. */
    public Uni<Boolean> markFailed(String id, int attempts, String reason, Instant now) {
        return transition(id, MessageStatus.failed, now,
                Map.of("attempts", Attr.n(attempts), "failureReason", Attr.s(reason)), FINAL_REMOVES);
    }

    /** Fails a record that was never attempted here (its attempts stay as they are). */
    public Uni<Boolean> markFailed(String id, String reason, Instant now) {
        return transition(id, MessageStatus.failed, now, Map.of("failureReason", Attr.s(reason)), FINAL_REMOVES);
    }

    /** Expires a waiting record whose expiration passed, or a processing one whose claim lapsed. */
    public Uni<Boolean> expire(String id, Instant now) {
        return transition(id, MessageStatus.expired, now, Map.of(), FINAL_REMOVES);
    }

    /** Removes a waiting record at its owner's request, or a processing one whose claim lapsed. */
    public Uni<Boolean> remove(String id, Instant now) {
        return transition(id, MessageStatus.removed, now, Map.of(), FINAL_REMOVES);
    }

    /** Records a delivery or read receipt of a sent message. */
    public Uni<Boolean> recordReceipt(String id, MessageStatus receipt, Instant now) {
        if (receipt != MessageStatus.delivered && receipt != MessageStatus.read) {
            throw new IllegalArgumentException("A receipt is delivered or read, not " + receipt);
        }
        return transition(id, receipt, now, Map.of(), Set.of());
    }

    private Uni<Boolean> transition(String id, MessageStatus to, Instant now, Map<String, AttributeValue> set,
                                    Set<String> remove) {
        return updates.transition(id, to.predecessors(), to, now, set, remove);
    }

    private static Set<String> withClaim(Set<String> marks) {
        Set<String> all = new HashSet<>(marks);
        all.add(CLAIM_UNTIL);
        return Set.copyOf(all);
    }

    /** Whether {@code failure} is a lost conditional write: the record was already there, or had moved on. */
    public static boolean conditionFailed(Throwable failure) {
        return DynamoMessageUpdates.conditionFailed(failure);
    }
}
