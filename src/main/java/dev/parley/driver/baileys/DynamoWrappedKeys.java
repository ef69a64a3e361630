package dev.parley.driver.baileys;

import dev.parley.common.Blocking;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.Map;

/**
 * The KMS-wrapped data keys of {@link KmsDataKeys}, kept in the sessions table under the partition
 * {@code $datakeys} (never a device id): one item per key id, and {@code current} naming the key new values use.
 * Only wrapped blobs are stored; without KMS {@code Decrypt} they are useless.
 */
final class DynamoWrappedKeys {

    static final String PARTITION = "$datakeys";
    private static final String CURRENT = "current";

    /** A data key as stored: its id and the blob KMS returned from {@code GenerateDataKey}. */
    record Wrapped(String id, byte[] blob) {
    }

    private final DynamoDbAsyncClient dynamo;
    private final String table;

    DynamoWrappedKeys(DynamoDbAsyncClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The current key, or null when none was made yet. */
    Wrapped current() {
        return read(CURRENT);
    }

    /** The key named {@code id}, or null. */
    Wrapped byId(String id) {
        return read("k#" + id);
    }

    /**
     * Stores {@code key} and makes it current unless another connector made one first; answers the current key
     * afterwards (ours, or the winner's).
     */
    Wrapped makeCurrent(Wrapped key) {
        Blocking.await(dynamo.putItem(b -> b.tableName(table).item(item("k#" + key.id(), key))));
        try {
            Blocking.await(dynamo.putItem(b -> b.tableName(table).item(item(CURRENT, key))
                    .conditionExpression("attribute_not_exists(#d)")
                    .expressionAttributeNames(Map.of("#d", "device"))));
            return key;
        } catch (ConditionalCheckFailedException raced) {
            return current();
        }
    }

    private Wrapped read(String item) {
        Map<String, AttributeValue> found = Blocking.await(dynamo.getItem(b -> b.tableName(table)
                .key(Map.of("device", s(PARTITION), "item", s(item))).consistentRead(true))).item();
        if (found == null || found.isEmpty()) {
            return null;
        }
        return new Wrapped(found.get("kid").s(), found.get("blob").b().asByteArray());
    }

    private static Map<String, AttributeValue> item(String item, Wrapped key) {
        return Map.of("device", s(PARTITION), "item", s(item), "kid", s(key.id()),
                "blob", AttributeValue.builder().b(SdkBytes.fromByteArray(key.blob())).build());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }
}
