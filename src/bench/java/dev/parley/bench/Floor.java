package dev.parley.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The floor: the same emulators driven directly, one DynamoDB put (an item shaped like a message record) and one
 * SQS send (an entry shaped like Parley's) per message, by the same number of threads as the API load.
 */
final class Floor implements AutoCloseable {

    private final DynamoDbAsyncClient dynamo;
    private final SqsAsyncClient sqs;
    private final String queueUrl;

    Floor(Map<String, String> env) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        // the same async clients over Netty as the app, so the floor differs from it only by what Parley does
        dynamo = DynamoDbAsyncClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(URI.create(env.get("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE")))
                .httpClient(NettyNioAsyncHttpClient.create()).build();
        sqs = SqsAsyncClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(URI.create(env.get("QUARKUS_SQS_ENDPOINT_OVERRIDE")))
                .httpClient(NettyNioAsyncHttpClient.create()).build();
        dynamo.createTable(t -> t.tableName("bench-floor").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())).join();
        dynamo.waiter().waitUntilTableExists(r -> r.tableName("bench-floor")).join();
        queueUrl = sqs.createQueue(q -> q.queueName("bench-floor")).join().queueUrl();
    }

    /** Messages per second that {@code threads} threads put and enqueue for {@code duration}. */
    double run(int threads, Duration duration) throws InterruptedException {
        return Load.closedLoop(threads, duration, i -> {
            String id = UUID.randomUUID().toString();
            dynamo.putItem(p -> p.tableName("bench-floor").item(item(id, i))).join();
            sqs.sendMessage(s -> s.queueUrl(queueUrl).messageBody("{\"messageId\":\"" + id
                    + "\",\"accountId\":\"bench\",\"deviceId\":\"bench-device\",\"created\":\"" + System.currentTimeMillis() + "\"}")).join();
            return 1;
        }).perSecond();
    }

    private static Map<String, AttributeValue> item(String id, long i) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(id));
        item.put("accountId", s("bench-account"));
        item.put("deviceId", s("bench-device"));
        item.put("phone", s(Api.phone((int) i)));
        item.put("message", s("bench message " + i));
        item.put("priority", s("normal"));
        item.put("status", s("queued"));
        item.put("created", s(System.currentTimeMillis() + "#" + id));
        item.put("createdAt", s(java.time.Instant.now().toString()));
        item.put("updatedAt", s(java.time.Instant.now().toString()));
        item.put("retries", AttributeValue.fromN("3"));
        item.put("unconfirmed", AttributeValue.fromN("0"));
        return item;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    @Override
    public void close() {
        dynamo.close();
        sqs.close();
    }
}
