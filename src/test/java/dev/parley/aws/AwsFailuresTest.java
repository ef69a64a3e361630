package dev.parley.aws;

import dev.parley.error.ApiException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.util.Optional;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class AwsFailuresTest {

    private final AwsFailures failures = new AwsFailures();

    @Test
    void throttling_is_a_503_with_retry_after() {
        ApiException e = failures.translate(ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(details("ProvisionedThroughputExceededException")).build()).orElseThrow();
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isPositive();
        assertThat(failures.translate(service(400, "RequestLimitExceeded")).orElseThrow().status()).isEqualTo(503);
        assertThat(failures.translate(service(400, "ThrottlingException")).orElseThrow().status()).isEqualTo(503);
    }

    @Test
    void unavailability_is_a_503_with_retry_after_even_when_wrapped() {
        ApiException e = failures.translate(new CompletionException(
                SdkClientException.create("Unable to execute HTTP request: Connection refused"))).orElseThrow();
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isPositive();
        assertThat(failures.translate(service(500, "InternalServerError")).orElseThrow().status()).isEqualTo(503);
    }

    @Test
    void a_request_the_service_refused_as_invalid_is_a_400_without_retry_after() {
        ApiException e = failures.translate(service(400, "ValidationException")).orElseThrow();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.retryAfterSeconds()).isNull();
        assertThat(failures.translate(ConditionalCheckFailedException.builder().statusCode(400).build())
                .orElseThrow().status()).isEqualTo(409);
    }

    @Test
    void misconfiguration_is_left_to_the_500_path_and_foreign_failures_are_not_translated() {
        assertThat(failures.translate(ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(details("ResourceNotFoundException")).build())).isEmpty();
        assertThat(failures.translate(service(403, "AccessDeniedException"))).isEmpty();
        assertThat(failures.translate(new IllegalStateException("x"))).isEqualTo(Optional.empty());
    }

    private static AwsServiceException service(int status, String code) {
        return DynamoDbException.builder().statusCode(status).awsErrorDetails(details(code)).message(code).build();
    }

    private static AwsErrorDetails details(String code) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(code).build();
    }
}
