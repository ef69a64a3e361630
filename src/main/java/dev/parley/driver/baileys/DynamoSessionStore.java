package dev.parley.driver.baileys;

import dev.parley.common.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.kms.KmsAsyncClient;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sessions table: one item per device and session item ({@code creds}, or {@code k#<type>#<id>} for a
 * signal key), its value sealed with AES-GCM ({@link SessionCipher}) in {@code v} with the data key's id in
 * {@code kid}. Writes are acknowledged by DynamoDB before a method returns; reads are consistent.
 *
 * <p>It creates its own table at start-up when missing, as {@code aws.DynamoTables} and {@code template.yaml}
 * define it. Data keys come from KMS when {@code parley.driver.baileys.kms-key} is set, else from a local key file.
 */
@ApplicationScoped
public class DynamoSessionStore implements SessionStore {

    private static final Logger LOG = Logger.getLogger(DynamoSessionStore.class);
    private static final String DEVICE = "device";
    private static final String ITEM = "item";
    private static final String CREDS = "creds";
    private static final int WRITE_BATCH = 25;
    private static final int READ_BATCH = 100;
    private static final int BATCH_ATTEMPTS = 8;

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final SessionCipher cipher;

    @Inject
    public DynamoSessionStore(DynamoDbAsyncClient dynamo, BaileysConfig config) {
        this(dynamo, config.sessionsTable(), config.kmsKey()
                .<DataKeys>map(key -> new KmsDataKeys(KmsAsyncClient.create(), key,
                        new DynamoWrappedKeys(dynamo, config.sessionsTable())))
                .orElseGet(() -> new LocalDataKeys(config.keyFile())));
    }

    public DynamoSessionStore(DynamoDbAsyncClient dynamo, String table, DataKeys keys) {
        this.dynamo = dynamo;
        this.table = table;
        this.cipher = new SessionCipher(keys);
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    @Override
    public void provision() {
        try {
            Blocking.await(dynamo.describeTable(b -> b.tableName(table)));
            return;
        } catch (ResourceNotFoundException missing) {
            LOG.infof("Creating the sessions table %s", table);
        }
        try {
            Blocking.await(dynamo.createTable(CreateTableRequest.builder()
                    .tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(stringAttr(DEVICE), stringAttr(ITEM))
                    .keySchema(KeySchemaElement.builder().attributeName(DEVICE).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(ITEM).keyType(KeyType.RANGE).build())
                    .build()));
        } catch (ResourceInUseException raced) {
            // another process created it
        }
        for (int i = 0; i < 300; i++) {
            TableStatus status = Blocking.await(dynamo.describeTable(b -> b.tableName(table))).table().tableStatus();
            if (status == TableStatus.ACTIVE) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("The sessions table " + table + " did not become active");
    }

    @Override
    public Optional<String> creds(String deviceId) {
        Map<String, AttributeValue> item = Blocking.await(dynamo.getItem(b -> b.tableName(table)
                .key(key(deviceId, CREDS)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(open(deviceId, CREDS, item));
    }

    @Override
    public void saveCreds(String deviceId, String creds) {
        Blocking.await(dynamo.putItem(b -> b.tableName(table).item(sealed(deviceId, CREDS, creds))));
    }

    @Override
    public Map<String, String> keys(String deviceId, String type, Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
        for (int from = 0; from < all.size(); from += READ_BATCH) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : all.subList(from, Math.min(all.size(), from + READ_BATCH))) {
                keys.add(key(deviceId, keyItem(type, id)));
            }
            Map<String, KeysAndAttributes> request = Map.of(table,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt >= BATCH_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left session keys unread after " + attempt + " tries");
                }
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = Blocking.await(dynamo.batchGetItem(b -> b.requestItems(ask)));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    String itemName = item.get(ITEM).s();
                    out.put(itemName.substring(keyItem(type, "").length()), open(deviceId, itemName, item));
                }
                request = response.unprocessedKeys();
                if (!request.isEmpty()) {
                    sleep(20L << attempt);
                }
            }
        }
        return out;
    }

    @Override
    public void saveKeys(String deviceId, Map<String, Map<String, String>> byType) {
        List<WriteRequest> writes = new ArrayList<>();
        byType.forEach((type, byId) -> byId.forEach((id, value) -> {
            String item = keyItem(type, id);
            writes.add(value == null
                    ? WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key(deviceId, item)).build()).build()
                    : WriteRequest.builder().putRequest(PutRequest.builder().item(sealed(deviceId, item, value)).build())
                    .build());
        }));
        write(writes);
    }

    @Override
    public void wipe(String deviceId) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = Blocking.await(dynamo.query(b -> b.tableName(table)
                    .keyConditionExpression("#d = :d")
                    .expressionAttributeNames(Map.of("#d", DEVICE, "#i", ITEM))
                    .expressionAttributeValues(Map.of(":d", s(deviceId)))
                    .projectionExpression("#d, #i")
                    .consistentRead(true)
                    .exclusiveStartKey(from)));
            List<WriteRequest> deletes = new ArrayList<>();
            for (Map<String, AttributeValue> item : page.items()) {
                deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(item).build()).build());
            }
            write(deletes);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        LOG.infof("Wiped the session of device %s", deviceId);
    }

    /** Writes in batches of 25, retrying what DynamoDB left unprocessed; returns once all is written. */
    private void write(List<WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += WRITE_BATCH) {
            Map<String, List<WriteRequest>> request = Map.of(table,
                    writes.subList(from, Math.min(writes.size(), from + WRITE_BATCH)));
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt >= BATCH_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left session writes unprocessed after " + attempt + " tries");
                }
                Map<String, List<WriteRequest>> ask = request;
                BatchWriteItemResponse response = Blocking.await(dynamo.batchWriteItem(b -> b.requestItems(ask)));
                request = response.unprocessedItems();
                if (!request.isEmpty()) {
                    sleep(20L << attempt);
                }
            }
        }
    }

    private Map<String, AttributeValue> sealed(String deviceId, String item, String value) {
        SessionCipher.Sealed sealed = cipher.seal(value, place(deviceId, item));
        return Map.of(DEVICE, s(deviceId), ITEM, s(item), "kid", s(sealed.keyId()),
                "v", AttributeValue.builder().b(SdkBytes.fromByteArray(sealed.bytes())).build());
    }

    private String open(String deviceId, String item, Map<String, AttributeValue> stored) {
        return cipher.open(new SessionCipher.Sealed(stored.get("kid").s(), stored.get("v").b().asByteArray()),
                place(deviceId, item));
    }

    private static String place(String deviceId, String item) {
        return deviceId + "\n" + item;
    }

    private static String keyItem(String type, String id) {
        return "k#" + type + "#" + id;
    }

    private static Map<String, AttributeValue> key(String deviceId, String item) {
        return Map.of(DEVICE, s(deviceId), ITEM, s(item));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeDefinition stringAttr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
