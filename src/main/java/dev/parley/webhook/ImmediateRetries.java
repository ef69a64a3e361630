package dev.parley.webhook;

import io.smallrye.faulttolerance.api.TypedGuard;

import java.util.function.Supplier;

/**
 * Runs one delivery attempt: a request, repeated at once (per the {@link WebhookRetryPolicy}) while it fails
 * in a way worth retrying, answering the last {@link AttemptResult}. Failures stay values for the caller;
 * the exception below only carries a result through the SmallRye guard, which retries on exceptions.
 */
public final class ImmediateRetries {

    private final TypedGuard<AttemptResult> guard;

    ImmediateRetries(WebhookRetryPolicy policy) {
        this.guard = policy.guard(AttemptResult.class, e -> e instanceof RetryableFailure);
    }

    /** Sends with {@code request} until it delivers, fails for good, or the retries run out. */
    public AttemptResult run(Supplier<AttemptResult> request) {
        try {
            return guard.call(() -> {
                AttemptResult result = request.get();
                if (!result.delivered() && result.retryable()) {
                    throw new RetryableFailure(result);
                }
                return result;
            });
        } catch (RetryableFailure e) {
            return e.result;
        } catch (Exception e) {
            throw new IllegalStateException("Webhook delivery failed unexpectedly", e);
        }
    }

    /** A request failed in a way worth retrying at once; carries its result through the guard. */
    private static final class RetryableFailure extends Exception {
        private final transient AttemptResult result;

        RetryableFailure(AttemptResult result) {
            super(result.error(), null, false, false);
            this.result = result;
        }
    }
}
