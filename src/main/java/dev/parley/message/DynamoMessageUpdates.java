package dev.parley.message;

import dev.parley.aws.Attr;
import dev.parley.aws.DynamoTables;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conditional writes of the messages table: a status only ever moves forward, whoever writes it, and
 * a visible status change is followed by its event in the outbox.
 */
final class DynamoMessageUpdates {

    private static final Logger LOG = Logger.getLogger(DynamoMessageUpdates.class);

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;
    private final EventOutbox outbox;

    DynamoMessageUpdates(DynamoDbAsyncClient dynamo, DynamoTables tables, EventOutbox outbox) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.outbox = outbox;
    }

    /**
     * Moves a message to {@code to} if its current status is one of {@code from}, setting {@code set} and
     * removing {@code remove} too, then appends the event the step raises. False, with nothing changed,
     * when the condition fails. From {@code processing} to a status that {@linkplain MessageStatus#overridesClaim
     * overrides a claim}, the claim must have lapsed at {@code now}.
     */
    Uni<Boolean> transition(String id, Set<MessageStatus> from, MessageStatus to, Instant now,
                            Map<String, AttributeValue> set, Set<String> remove) {
        Map<String, AttributeValue> changes = new LinkedHashMap<>(set);
        changes.put("status", Attr.s(to.name()));
        changes.put("updatedAt", Attr.s(now.toString()));
        String stamp = DynamoMessageItems.stampOf(to);
        if (stamp != null) {
            changes.put(stamp, Attr.s(now.toString()));
        }
        String eventType = eventType(from, to);
        Instant lapsedBy = to.overridesClaim() && from.contains(MessageStatus.processing) ? now : null;
        return update(id, from, lapsedBy, false, changes, remove, true).flatMap(item -> {
            if (item == null) {
                return Uni.createFrom().item(false);
            }
            if (eventType == null) {
                return Uni.createFrom().item(true);
            }
            MessageRecord record = DynamoMessageItems.fromItem(item);
            return outbox.append(outbox.create(eventType, record.accountId(), record.deviceId(), MessageView.of(record)))
                    .onFailure().retry().withBackOff(Duration.ofMillis(100)).atMost(3)
                    .onFailure().recoverWithItem(failure -> {
                        LOG.warnf("Event %s for message=%s was not stored: %s", eventType, id, failure.toString());
                        return null;
                    })
                    .replaceWith(true);
        });
    }

    /**
     * The first claim of a plain record (queued, not held, no {@code deliverAt}, no expiration) in one write that also answers
     * the claimed record; null, with nothing changed, for any other record. No event: a first claim is internal.
     */
    Uni<MessageRecord> claimPlain(String id, Instant now, Instant claimUntil, Set<String> remove) {
        Map<String, String> names = new HashMap<>(Map.of("#status", "status", "#updatedAt", "updatedAt",
                "#attempts", "attempts", "#claimUntil", DynamoMessageItems.CLAIM_UNTIL, "#deliverAt", "deliverAt",
                "#expiresAt", "expiresAt", "#held", DynamoMessageItems.HELD_DEVICE));
        List<String> removed = new ArrayList<>();
        for (String attribute : remove) {
            names.put("#r" + removed.size(), attribute);
            removed.add("#r" + removed.size());
        }
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(tables.messages())
                .key(Map.of("id", Attr.s(id)))
                .updateExpression("SET #status = :processing, #updatedAt = :now, #claimUntil = :claimUntil,"
                        + " #attempts = if_not_exists(#attempts, :zero) + :one"
                        + (removed.isEmpty() ? "" : " REMOVE " + String.join(", ", removed)))
                .conditionExpression("attribute_exists(id) AND #status = :queued AND attribute_not_exists(#held)"
                        + " AND attribute_not_exists(#deliverAt) AND attribute_not_exists(#expiresAt)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":processing", Attr.s(MessageStatus.processing.name()),
                        ":queued", Attr.s(MessageStatus.queued.name()), ":now", Attr.s(now.toString()),
                        ":claimUntil", Attr.n(claimUntil.toEpochMilli()), ":zero", Attr.n(0), ":one", Attr.n(1)))
                .returnValues(ReturnValue.ALL_NEW)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(request))
                .map(response -> DynamoMessageItems.fromItem(response.attributes()))
                .onFailure(DynamoMessageUpdates::conditionFailed).recoverWithNull();
    }

    /**
     * The event a transition raises, or null: promotion and a first claim are internal steps; a re-claim of a
     * lapsed claim is a retry.
     */
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
            case processing -> from.equals(Set.of(MessageStatus.processing)) ? EventTypes.MESSAGE_OUT_RETRY : null;
            default -> null;
        };
    }

    /**
     * Sets and removes marks of a message whose status is one of {@code when}, leaving its status alone;
     * false, with nothing changed, when the condition fails.
     */
    Uni<Boolean> mark(String id, Set<MessageStatus> when, Map<String, AttributeValue> set, Set<String> remove) {
        return update(id, when, null, false, set, remove, false).map(item -> item != null);
    }

    /**
     * Claims a queued record that is not held (queued → processing), setting {@code set} and removing
     * {@code remove}; false, with nothing changed, otherwise. No event: a first claim is internal. A held record
     * goes out through its release, which queues a fresh entry: a stray entry of it (a hold whose SQS delete
     * failed, a repair that raced the hold) must not send it ahead of the older messages held before it.
     */
    Uni<Boolean> claimQueued(String id, Instant now, Map<String, AttributeValue> set, Set<String> remove) {
        Map<String, AttributeValue> changes = new LinkedHashMap<>(set);
        changes.put("status", Attr.s(MessageStatus.processing.name()));
        changes.put("updatedAt", Attr.s(now.toString()));
        return update(id, Set.of(MessageStatus.queued), null, true, changes, remove, false).map(item -> item != null);
    }

    /**
     * The one conditional update; answers the new item (or an empty map) on success, null on a failed condition.
     * With {@code lapsedBy}, a {@code processing} record matches only if its claim ended before that instant; with
     * {@code unheld}, only a record that is not held matches.
     */
    private Uni<Map<String, AttributeValue>> update(String id, Set<MessageStatus> when, Instant lapsedBy,
                                                    boolean unheld, Map<String, AttributeValue> set,
                                                    Set<String> remove, boolean returnNew) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#status", "status");
        if (unheld) {
            names.put("#held", DynamoMessageItems.HELD_DEVICE);
        }
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
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(tables.messages())
                .key(Map.of("id", Attr.s(id)))
                .updateExpression(expression.toString())
                .conditionExpression(condition(when, lapsedBy, names, values) + (unheld ? UNHELD : ""))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(returnNew ? ReturnValue.ALL_NEW : ReturnValue.NONE)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(request))
                .map(response -> response.hasAttributes() ? response.attributes() : Map.<String, AttributeValue>of())
                .onFailure(DynamoMessageUpdates::conditionFailed).recoverWithNull();
    }

    /** Appended to a condition: the record is not held ({@code #held} is named by {@link #update}). */
    private static final String UNHELD = " AND attribute_not_exists(#held)";

    /** The record exists and its status is one of {@code when}; a processing one only with a claim lapsed by then. */
    private static String condition(Set<MessageStatus> when, Instant lapsedBy, Map<String, String> names,
                                    Map<String, AttributeValue> values) {
        List<String> allowed = new ArrayList<>();
        int j = 0;
        for (MessageStatus status : when) {
            if (lapsedBy == null || status != MessageStatus.processing) {
                values.put(":w" + j, Attr.s(status.name()));
                allowed.add(":w" + j++);
            }
        }
        List<String> alternatives = new ArrayList<>();
        if (!allowed.isEmpty()) {
            alternatives.add("#status IN (" + String.join(", ", allowed) + ")");
        }
        if (lapsedBy != null) {
            names.put("#claimUntil", DynamoMessageItems.CLAIM_UNTIL);
            values.put(":processing", Attr.s(MessageStatus.processing.name()));
            values.put(":lapsedBy", Attr.n(lapsedBy.toEpochMilli()));
            // A claim written before claims had a lease (no claimUntil) counts as lapsed.
            alternatives.add("#status = :processing AND (attribute_not_exists(#claimUntil) OR #claimUntil <= :lapsedBy)");
        }
        if (alternatives.size() == 1) {
            return "attribute_exists(id) AND " + alternatives.getFirst();
        }
        return "attribute_exists(id) AND (" + alternatives.get(0) + " OR (" + alternatives.get(1) + "))";
    }

    /** Whether a failed write failed only on its condition. */
    static boolean conditionFailed(Throwable t) {
        return dev.parley.aws.AwsFailures.conditionFailed(t);
    }
}
