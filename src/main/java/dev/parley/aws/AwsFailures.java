package dev.parley.aws;

import dev.parley.error.ApiException;
import dev.parley.error.FailureTranslator;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.Optional;
import java.util.Set;

/**
 * Classifies AWS SDK failures (DynamoDB, SQS) for the API: throttling and unavailability are a 503 with
 * {@code Retry-After}; a request the service refused as invalid is a 400; a lost conditional write is a
 * 409; anything else (missing table, denied access) is the operator's problem and stays a logged 500.
 */
@ApplicationScoped
public class AwsFailures implements FailureTranslator {

    private static final Logger LOG = Logger.getLogger(AwsFailures.class);
    /** Seconds a throttled client should wait: throttling clears within a second or two. */
    static final int THROTTLED_RETRY_AFTER = 1;
    /** Seconds a client should wait while a backing service is unreachable or failing. */
    static final int UNAVAILABLE_RETRY_AFTER = 5;
    /** Error codes that mean "slow down", beyond those the SDK itself knows as throttling. */
    private static final Set<String> THROTTLING = Set.of("ProvisionedThroughputExceededException",
            "RequestLimitExceeded", "ThrottlingException", "Throttling", "RequestThrottled",
            "RequestThrottledException", "TooManyRequestsException", "LimitExceededException", "SlowDown");
    /** 4xx error codes that are the deployment's fault (missing resources, access, credentials), not the client's. */
    private static final Set<String> MISCONFIGURED = Set.of("ResourceNotFoundException", "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue", "AccessDenied", "AccessDeniedException",
            "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
            "MissingAuthenticationToken", "MissingAuthenticationTokenException", "ExpiredToken",
            "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch", "RequestExpired");

    @Override
    public Optional<ApiException> translate(Throwable failure) {
        SdkException sdk = sdkCause(failure);
        if (sdk == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(classify(sdk));
    }

    /** Whether {@code failure} (possibly wrapped by a future) is a DynamoDB conditional write that lost. */
    public static boolean conditionFailed(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof ConditionalCheckFailedException;
    }

    /** The problem for an SDK failure, or null when it is not the client's doing nor temporary (a 500). */
    static ApiException classify(SdkException sdk) {
        if (sdk instanceof ConditionalCheckFailedException) {
            return new ApiException(409, "conflict", "The resource changed concurrently; read it again", null);
        }
        if (sdk instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            int status = service.statusCode();
            if (service.isThrottlingException() || (code != null && THROTTLING.contains(code))) {
                LOG.warnf("Backing service throttled the request: %s", code);
                return new ApiException(503, "throttled", "A backing service is throttling requests; retry shortly",
                        null, THROTTLED_RETRY_AFTER);
            }
            if (status >= 500) {
                LOG.warnf("Backing service failed: status %d %s", status, code);
                return unavailable();
            }
            if (status >= 400 && (code == null || !MISCONFIGURED.contains(code))) {
                // ValidationException and its kin: a value the request carried that the store cannot accept.
                LOG.infof("Backing service refused a request as invalid: %s %s", code, service.getMessage());
                return new ApiException(400, "invalid-request", "The request holds a value the store cannot accept",
                        null);
            }
            // Missing tables or queues, denied access, bad credentials: ProblemMapper logs it as a 500.
            return null;
        }
        if (sdk instanceof SdkClientException) {
            LOG.warnf("Backing service unreachable: %s", sdk.getMessage());
            return unavailable();
        }
        return null;
    }

    private static ApiException unavailable() {
        return new ApiException(503, "unavailable", "A backing service is unavailable; retry shortly", null,
                UNAVAILABLE_RETRY_AFTER);
    }

    private static SdkException sdkCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SdkException sdk) {
                return sdk;
            }
        }
        return null;
    }
}
