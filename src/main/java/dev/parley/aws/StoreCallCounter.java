package dev.parley.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts every DynamoDB and SQS API call (not retry attempts) as {@code parley.store.calls{service,operation}},
 * so the cost of a message in store calls can be read from {@code /q/metrics} (the benchmark diffs it around a
 * run). Registered on the clients by {@code quarkus.dynamodb.interceptors} and {@code quarkus.sqs.interceptors};
 * the SDK creates it by reflection, so it counts into Micrometer's global registry, which Quarkus feeds.
 */
public class StoreCallCounter implements ExecutionInterceptor {

    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        COUNTERS.computeIfAbsent(service + '/' + operation, key -> Counter.builder("parley.store.calls")
                .description("DynamoDB and SQS API calls made by this process")
                .tag("service", String.valueOf(service)).tag("operation", String.valueOf(operation))
                .register(Metrics.globalRegistry)).increment();
    }
}
