package dev.parley.aws;

import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;

/** Names and key schemas of Parley's DynamoDB tables: the one definition both provisioning and stores use. */
@ApplicationScoped
public class DynamoTables {

    /** Index of an account's messages, newest first by {@code created}. */
    public static final String MESSAGES_BY_ACCOUNT = "account-created";
    /** Index of a device's messages, newest first by {@code created}. */
    public static final String MESSAGES_BY_DEVICE = "device-created";
    /** Sparse index from WhatsApp's message id to ours, for receipts. */
    public static final String MESSAGES_BY_WA_ID = "wa-id";
    /** Sparse index of scheduled messages per shard by due time, for the promotion job. */
    public static final String MESSAGES_SCHEDULED = "scheduled-due";
    /** Sparse index of records whose queue write is not yet confirmed, per shard, for the repair job. */
    public static final String MESSAGES_UNCONFIRMED = "unconfirmed-created";
    /** Index of a device's incoming messages by arrival. */
    public static final String INBOUND_BY_DEVICE = "device-received";
    /** Sparse index of messages held outside SQS while their device is offline, oldest first. */
    public static final String MESSAGES_HELD = "held-device";

    /** Sparse index of device commands that wait for a connector, per shard (ADR 0012). */
    public static final String COMMANDS_PENDING = "pending-shard";

    /** Partition key of the leases table, as the lock client is configured to use it. */
    public static final String LEASE_KEY = "key";

    private final AwsConfig config;

    public DynamoTables(AwsConfig config) {
        this.config = config;
    }

    public String messages() {
        return config.tablePrefix() + "messages";
    }

    public String inbound() {
        return config.tablePrefix() + "inbound";
    }

    public String chats() {
        return config.tablePrefix() + "chats";
    }

    public String usage() {
        return config.tablePrefix() + "usage";
    }

    public String events() {
        return config.tablePrefix() + "events";
    }

    public String idempotency() {
        return config.tablePrefix() + "idempotency";
    }

    /** Shard leases and connector memberships, kept by the DynamoDB lock client (ADR 0005). */
    public String leases() {
        return config.tablePrefix() + "leases";
    }

    /** WhatsApp sessions of the Baileys engine: creds and signal keys per device, encrypted (driver.baileys). */
    public String sessions() {
        return config.tablePrefix() + "sessions";
    }

    /** Device commands and linking codes, between the API and the connector holding the device (ADR 0012). */
    public String deviceCommands() {
        return config.tablePrefix() + "device-commands";
    }

    /** Every table this build uses, as it must exist. */
    public List<CreateTableRequest> definitions() {
        CreateTableRequest messages = CreateTableRequest.builder()
                .tableName(messages())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("id"), attr("accountId"), attr("deviceId"), attr("created"), attr("waId"),
                        attr("scheduledShard"), attr("due"), attr("unconfirmed"), attr("heldDevice"))
                .keySchema(hash("id"))
                .globalSecondaryIndexes(
                        index(MESSAGES_BY_ACCOUNT, "accountId", "created", ProjectionType.ALL),
                        index(MESSAGES_BY_DEVICE, "deviceId", "created", ProjectionType.ALL),
                        index(MESSAGES_BY_WA_ID, "waId", null, ProjectionType.KEYS_ONLY),
                        index(MESSAGES_SCHEDULED, "scheduledShard", "due", ProjectionType.KEYS_ONLY),
                        index(MESSAGES_UNCONFIRMED, "unconfirmed", "created", ProjectionType.KEYS_ONLY),
                        index(MESSAGES_HELD, "heldDevice", "created", ProjectionType.KEYS_ONLY))
                .build();
        // Idempotency keys: "<account>#<key>" to the message it created; expires by TTL on expiresAt.
        CreateTableRequest idempotency = CreateTableRequest.builder()
                .tableName(idempotency())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("key"))
                .keySchema(hash("key"))
                .build();
        // The events outbox: one stream per account ordered by eventKey; expires by TTL on expiresAt.
        CreateTableRequest events = CreateTableRequest.builder()
                .tableName(events())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("accountId"), attr("eventKey"))
                .keySchema(hash("accountId"), range("eventKey"))
                .build();
        // Incoming messages by id, and by device in arrival order.
        CreateTableRequest inbound = CreateTableRequest.builder()
                .tableName(inbound())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("id"), attr("deviceId"), attr("received"))
                .keySchema(hash("id"))
                .globalSecondaryIndexes(index(INBOUND_BY_DEVICE, "deviceId", "received", ProjectionType.ALL))
                .build();
        // One item per chat of a device, upserted by each incoming message.
        CreateTableRequest chats = CreateTableRequest.builder()
                .tableName(chats())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("deviceId"), attr("chat"))
                .keySchema(hash("deviceId"), range("chat"))
                .build();
        // Monthly usage counters per device (period = yyyy-MM).
        CreateTableRequest usage = CreateTableRequest.builder()
                .tableName(usage())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("deviceId"), attr("period"))
                .keySchema(hash("deviceId"), range("period"))
                .build();
        // Lease items of the lock client: "shard-<n>" and "member-<owner>", keyed by the attribute it is told to use.
        CreateTableRequest leases = CreateTableRequest.builder()
                .tableName(leases())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr(LEASE_KEY))
                .keySchema(hash(LEASE_KEY))
                .build();
        // Per device: its linking code and the commands left for its connector; pending ones indexed by shard.
        CreateTableRequest commands = CreateTableRequest.builder()
                .tableName(deviceCommands())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("device"), attr("item"), attr("pendingShard"))
                .keySchema(hash("device"), range("item"))
                .globalSecondaryIndexes(index(COMMANDS_PENDING, "pendingShard", "item", ProjectionType.ALL))
                .build();
        // Per device: its session's creds and signal keys (and the KMS-wrapped data keys, under $datakeys).
        CreateTableRequest sessions = CreateTableRequest.builder()
                .tableName(sessions())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("device"), attr("item"))
                .keySchema(hash("device"), range("item"))
                .build();
        return List.of(messages, idempotency, events, inbound, chats, usage, leases, commands, sessions);
    }

    /** Tables with a TTL attribute, by table name. */
    public java.util.Map<String, String> ttlAttributes() {
        return java.util.Map.of(idempotency(), "expiresAt", events(), "expiresAt", deviceCommands(), "expiresAt");
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
    }

    private static GlobalSecondaryIndex index(String name, String hashKey, String rangeKey, ProjectionType projection) {
        GlobalSecondaryIndex.Builder builder = GlobalSecondaryIndex.builder()
                .indexName(name)
                .projection(Projection.builder().projectionType(projection).build());
        if (rangeKey == null) {
            builder.keySchema(hash(hashKey));
        } else {
            builder.keySchema(hash(hashKey),
                    KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build());
        }
        return builder.build();
    }
}
