package dev.parley.webhook;

import io.smallrye.faulttolerance.api.TypedGuard;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Predicate;

/**
 * How webhook deliveries are retried, in one place. A delivery attempt sends a batch and, when the
 * request fails, retries it {@code retries} times at once with exponential backoff and jitter (SmallRye
 * Fault Tolerance); if it still fails, that is one consecutive failure, and the endpoint's next attempt
 * waits {@code backoff}, doubling per consecutive failure up to {@code backoffMax}. After
 * {@code disableAfter} consecutive failures the endpoint is disabled.
 *
 * @param retries        immediate retries of a failed request within one attempt
 * @param retryDelay     delay before the first immediate retry (doubles per retry)
 * @param backoff        wait before the attempt after a first failure
 * @param backoffMax     longest wait between attempts
 * @param disableAfter   consecutive failed attempts that disable the endpoint
 * @param requestTimeout the most one request may take
 */
public record WebhookRetryPolicy(int retries, Duration retryDelay, Duration backoff, Duration backoffMax,
                                 int disableAfter, Duration requestTimeout) {

    public WebhookRetryPolicy {
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("parley.webhooks.retries must be 0 to 10, was " + retries);
        }
        if (disableAfter < 1) {
            throw new IllegalArgumentException("parley.webhooks.disable-after must be at least 1, was " + disableAfter);
        }
        if (retryDelay.isNegative() || backoff.isNegative() || backoffMax.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("parley.webhooks.retry-delay and backoff must not be negative, and"
                    + " backoff-max not below backoff");
        }
    }

    public static WebhookRetryPolicy of(WebhooksConfig config) {
        return new WebhookRetryPolicy(config.retries(), config.retryDelay(), config.backoff(), config.backoffMax(),
                config.disableAfter(), config.timeout());
    }

    /** Wait before the next attempt after {@code failures} consecutive failed attempts. */
    public Duration backoffAfter(int failures) {
        int doublings = Math.max(0, failures - 1);
        if (doublings >= 30) {
            return backoffMax;
        }
        Duration wait = backoff.multipliedBy(1L << doublings);
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }

    /** Whether {@code failures} consecutive failed attempts disable the endpoint. */
    public boolean disables(int failures) {
        return failures >= disableAfter;
    }

    /** The longest one attempt can take, every immediate retry and its delay included (plus jitter). */
    public Duration attemptBudget() {
        Duration delays = retryDelay.multipliedBy((1L << retries) - 1).multipliedBy(5).dividedBy(4);
        return requestTimeout.plusSeconds(1).multipliedBy(retries + 1).plus(delays);
    }

    /** The immediate retries of one delivery attempt, as a reusable runner (build it once; it holds the guard). */
    public ImmediateRetries immediateRetries() {
        return new ImmediateRetries(this);
    }

    /** A guard running one request, retried while it throws an exception {@code retryable} accepts. */
    public <T> TypedGuard<T> guard(Class<T> type, Predicate<Throwable> retryable) {
        long delayMillis = retryDelay.toMillis();
        return TypedGuard.create(type)
                .withDescription("webhook delivery")
                .withRetry()
                .maxRetries(retries)
                .delay(delayMillis, ChronoUnit.MILLIS)
                .jitter(delayMillis / 4, ChronoUnit.MILLIS)
                .maxDuration(attemptBudget().toMillis() + 1, ChronoUnit.MILLIS)
                .whenException(retryable)
                .withExponentialBackoff()
                .factor(2)
                .maxDelay(Math.max(1, delayMillis << retries), ChronoUnit.MILLIS)
                .done()
                .done()
                .build();
    }
}
