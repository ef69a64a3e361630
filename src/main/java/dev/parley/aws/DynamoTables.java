package dev.parley.aws;

import dev.parley.config.ParleyConfig;
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

    private final ParleyConfig config;

    public DynamoTables(ParleyConfig config) {
        this.config = config;
    }

    public String messages() {
        return config.aws().tablePrefix() + "messages";
    }

    /** Every table this build uses, as it must exist. */
    public List<CreateTableRequest> definitions() {
        return List.of(CreateTableRequest.builder()
                .tableName(messages())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attr("id"), attr("accountId"), attr("deviceId"), attr("created"), attr("waId"))
                .keySchema(hash("id"))
                .globalSecondaryIndexes(
                        index(MESSAGES_BY_ACCOUNT, "accountId", "created", ProjectionType.ALL),
                        index(MESSAGES_BY_DEVICE, "deviceId", "created", ProjectionType.ALL),
                        index(MESSAGES_BY_WA_ID, "waId", null, ProjectionType.KEYS_ONLY))
                .build());
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
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
