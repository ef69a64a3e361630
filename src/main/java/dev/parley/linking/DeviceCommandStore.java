package dev.parley.linking;

import dev.parley.aws.AwsFailures;
import dev.parley.aws.DynamoTables;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

import static dev.parley.aws.Attr.n;
import static dev.parley.aws.Attr.s;

/**
 * The device commands table (ADR 0012): per device, the linking code it offers now (item {@code code}) and the
 * commands the API left for the connector holding its session (items {@code cmd#<id>}). A pending command carries
 * {@code pendingShard}, so connectors find their shards' commands through the sparse {@code pending-shard} index;
 * claiming removes it. Everything expires by TTL.
 */
@ApplicationScoped
public class DeviceCommandStore {

    private static final String CODE = "code";
    private static final String COMMAND = "cmd#";
    /** Finished commands and codes stay readable this long after their deadline, then TTL removes them. */
    private static final Duration KEEP = Duration.ofHours(1);
    private static final int PENDING_PAGE = 25;

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;
    private final List<IntConsumer> submitted = new CopyOnWriteArrayList<>();

    public DeviceCommandStore(DynamoDbAsyncClient dynamo, DynamoTables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** A linking code as stored: what the device offers, and until when. */
    public record OfferedCode(String kind, String value, Instant expiresAt) {
    }

    /** Calls {@code listener} with the shard of every command submitted in this process (a connector's wake-up). */
    public void onSubmit(IntConsumer listener) {
        submitted.add(listener);
    }

    public Uni<Void> submit(DeviceCommand command, int shard) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("device", s(command.deviceId()));
        item.put("item", s(COMMAND + command.id()));
        item.put("op", s(command.op().name()));
        item.put("payload", s(command.payload()));
        item.put("status", s(DeviceCommand.Status.pending.name()));
        item.put("pendingShard", s(Integer.toString(shard)));
        item.put("deadline", n(command.deadline().toEpochMilli()));
        item.put("expiresAt", n(command.deadline().plus(KEEP).getEpochSecond()));
        return Uni.createFrom().completionStage(() -> dynamo.putItem(b -> b.tableName(tables.deviceCommands()).item(item)))
                .invoke(() -> submitted.forEach(l -> l.accept(shard))).replaceWithVoid();
    }

    public Uni<DeviceCommand> get(String deviceId, String id) {
        return Uni.createFrom().completionStage(() -> dynamo.getItem(b -> b.tableName(tables.deviceCommands())
                        .key(key(deviceId, COMMAND + id)).consistentRead(true)))
                .map(r -> r.hasItem() && !r.item().isEmpty() ? command(r.item()) : null);
    }

    /** Up to a page of a shard's commands that wait for a connector, oldest first. */
    public Uni<List<DeviceCommand>> pending(int shard) {
        QueryRequest query = QueryRequest.builder().tableName(tables.deviceCommands())
                .indexName(DynamoTables.COMMANDS_PENDING)
                .keyConditionExpression("pendingShard = :s")
                .expressionAttributeValues(Map.of(":s", s(Integer.toString(shard))))
                .limit(PENDING_PAGE)
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.query(query))
                .map(r -> r.items().stream().map(DeviceCommandStore::command).toList());
    }

    /** Takes a pending command for this connector; false when another took it first. */
    public Uni<Boolean> claim(DeviceCommand command) {
        UpdateItemRequest update = UpdateItemRequest.builder().tableName(tables.deviceCommands())
                .key(key(command.deviceId(), COMMAND + command.id()))
                .updateExpression("SET #st = :running REMOVE pendingShard")
                .conditionExpression("#st = :pending")
                .expressionAttributeNames(Map.of("#st", "status"))
                .expressionAttributeValues(Map.of(":running", s(DeviceCommand.Status.running.name()),
                        ":pending", s(DeviceCommand.Status.pending.name())))
                .build();
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(update)).map(r -> true)
                .onFailure(AwsFailures::conditionFailed).recoverWithItem(false);
    }

    /** Records a claimed command's outcome: {@code answer} when done, {@code reason}/{@code message} when failed. */
    public Uni<Void> finish(DeviceCommand command, String answer, String reason, String message) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":st", s((reason == null ? DeviceCommand.Status.done : DeviceCommand.Status.failed).name()));
        StringBuilder set = new StringBuilder("SET #st = :st");
        if (answer != null) {
            set.append(", answer = :a");
            values.put(":a", s(answer));
        }
        if (reason != null) {
            set.append(", reason = :r, message = :m");
            values.put(":r", s(reason));
            values.put(":m", s(message == null ? reason : message));
        }
        return Uni.createFrom().completionStage(() -> dynamo.updateItem(b -> b.tableName(tables.deviceCommands())
                .key(key(command.deviceId(), COMMAND + command.id()))
                .updateExpression(set.toString())
                .expressionAttributeNames(Map.of("#st", "status"))
                .expressionAttributeValues(values))).replaceWithVoid();
    }

    /** Stores the code a device offers now, replacing the last. */
    public Uni<Void> offer(String deviceId, OfferedCode code) {
        Map<String, AttributeValue> item = Map.of(
                "device", s(deviceId), "item", s(CODE),
                "kind", s(code.kind()), "value", s(code.value()),
                "codeExpiresAt", n(code.expiresAt().toEpochMilli()),
                "expiresAt", n(code.expiresAt().plus(KEEP).getEpochSecond()));
        return Uni.createFrom().completionStage(() -> dynamo.putItem(b -> b.tableName(tables.deviceCommands()).item(item)))
                .replaceWithVoid();
    }

    /** The code the device offers, or null. */
    public Uni<OfferedCode> offered(String deviceId) {
        return Uni.createFrom().completionStage(() -> dynamo.getItem(b -> b.tableName(tables.deviceCommands())
                        .key(key(deviceId, CODE)).consistentRead(true)))
                .map(r -> {
                    if (!r.hasItem() || r.item().isEmpty()) {
                        return null;
                    }
                    Map<String, AttributeValue> i = r.item();
                    return new OfferedCode(i.get("kind").s(), i.get("value").s(),
                            Instant.ofEpochMilli(Long.parseLong(i.get("codeExpiresAt").n())));
                });
    }

    /** Forgets the device's code: it is linked, or can no longer be linked with it. */
    public Uni<Void> withdraw(String deviceId) {
        return Uni.createFrom().completionStage(() -> dynamo.deleteItem(b -> b.tableName(tables.deviceCommands())
                .key(key(deviceId, CODE)))).replaceWithVoid();
    }

    private static Map<String, AttributeValue> key(String deviceId, String item) {
        return Map.of("device", s(deviceId), "item", s(item));
    }

    private static DeviceCommand command(Map<String, AttributeValue> i) {
        return new DeviceCommand(i.get("device").s(), i.get("item").s().substring(COMMAND.length()),
                DeviceCommand.Op.valueOf(i.get("op").s()), text(i, "payload"),
                DeviceCommand.Status.valueOf(i.get("status").s()), text(i, "answer"), text(i, "reason"),
                text(i, "message"), Instant.ofEpochMilli(Long.parseLong(i.get("deadline").n())));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
