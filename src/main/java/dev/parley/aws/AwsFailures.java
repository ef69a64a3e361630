package dev.parley.aws;

import dev.parley.error.ApiException;
import dev.parley.error.FailureTranslator;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Optional;

/** A failing or unreachable AWS service (DynamoDB, SQS) is a 503 the client may retry. */
@ApplicationScoped
public class AwsFailures implements FailureTranslator {

    private static final Logger LOG = Logger.getLogger(AwsFailures.class);

    @Override
    public Optional<ApiException> translate(Throwable failure) {
        if (!(failure instanceof SdkException sdk)) {
            return Optional.empty();
        }
        LOG.warnf("Backing service error: %s", sdk.getMessage());
        return Optional.of(new ApiException(503, "unavailable", "A backing service is unavailable; retry shortly", null));
    }
}
