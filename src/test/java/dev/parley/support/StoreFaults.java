package dev.parley.support;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.sqs.model.SqsRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Fault injection on the real AWS clients (registered as their execution interceptor in the test profile):
 * tests take DynamoDB or SQS "down" as if the emulator's port were closed, or fail the writes of chosen items.
 */
public class StoreFaults implements ExecutionInterceptor {

    private static volatile boolean dynamoDown;
    private static volatile boolean sqsDown;
    private static volatile Predicate<Map<String, AttributeValue>> poisonedItems = item -> false;
    private static volatile String failingTable;
    private static final AtomicInteger refused = new AtomicInteger();

    /** Every DynamoDB call fails as an unreachable endpoint would, until {@link #heal()}. */
    public static void dynamoDown() {
        dynamoDown = true;
    }

    /** Every SQS call fails as an unreachable endpoint would, until {@link #heal()}. */
    public static void sqsDown() {
        sqsDown = true;
    }

    /** Puts (single or batched) that carry an item matching {@code items} fail. */
    public static void poison(Predicate<Map<String, AttributeValue>> items) {
        poisonedItems = items;
    }

    /** Every DynamoDB call on a table whose name contains {@code part} fails, until {@link #heal()}. */
    public static void failTable(String part) {
        failingTable = part;
    }

    /** Back to normal. */
    public static void heal() {
        failingTable = null;
        dynamoDown = false;
        sqsDown = false;
        poisonedItems = item -> false;
    }

    /** Calls refused since the start of the test JVM. */
    public static int refused() {
        return refused.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        boolean down = (request instanceof DynamoDbRequest && (dynamoDown || onFailingTable(request)))
                || (request instanceof SqsRequest && sqsDown);
        if (down || poisoned(request)) {
            refused.incrementAndGet();
            throw SdkClientException.create("Unable to execute HTTP request: Connection refused (simulated by StoreFaults)");
        }
    }

    private static boolean onFailingTable(SdkRequest request) {
        String part = failingTable;
        return part != null && request.getValueForField("TableName", String.class).filter(t -> t.contains(part))
                .isPresent();
    }

    private static boolean poisoned(SdkRequest request) {
        Predicate<Map<String, AttributeValue>> poison = poisonedItems;
        if (request instanceof PutItemRequest put) {
            return poison.test(put.item());
        }
        if (request instanceof BatchWriteItemRequest batch) {
            return batch.requestItems().values().stream().flatMap(java.util.List::stream)
                    .anyMatch(w -> w.putRequest() != null && poison.test(w.putRequest().item()));
        }
        return false;
    }
}
