package dev.parley.webhook;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The retry policy's arithmetic, and its SmallRye Fault Tolerance guard (inside Quarkus, which provides it). */
@QuarkusTest
class WebhookRetryPolicyTest {

    private final WebhookRetryPolicy policy = new WebhookRetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(10),
            Duration.ofMinutes(15), 10, Duration.ofSeconds(10));

    @Test
    void the_wait_between_attempts_doubles_per_consecutive_failure_up_to_the_cap() {
        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.backoffAfter(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(policy.backoffAfter(8)).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.backoffAfter(1000)).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.disables(9)).isFalse();
        assertThat(policy.disables(10)).isTrue();
    }

    @Test
    void the_guard_retries_a_retryable_failure_the_configured_number_of_times() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        var guard = policy.guard(String.class, e -> e instanceof IllegalStateException);
        assertThatThrownBy(() -> guard.call(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(3);

        calls.set(0);
        assertThat(guard.call(() -> calls.incrementAndGet() < 2 ? fail() : "ok")).isEqualTo("ok");
        assertThat(calls).hasValue(2);
    }

    @Test
    void immediate_retries_answer_the_last_result_as_a_value() {
        ImmediateRetries retries = policy.immediateRetries();
        AtomicInteger calls = new AtomicInteger();

        AttemptResult exhausted = retries.run(() -> AttemptResult.failed(500, 1, "HTTP 500 #" + calls.incrementAndGet(), true));
        assertThat(exhausted.delivered()).isFalse();
        assertThat(exhausted.error()).isEqualTo("HTTP 500 #3");

        calls.set(0);
        AttemptResult refused = retries.run(() -> AttemptResult.failed(null, 1, "refused #" + calls.incrementAndGet(), false));
        assertThat(refused.error()).isEqualTo("refused #1");

        calls.set(0);
        AttemptResult delivered = retries.run(() -> calls.incrementAndGet() < 2
                ? AttemptResult.failed(503, 1, "HTTP 503", true) : AttemptResult.delivered(204, 1));
        assertThat(delivered.delivered()).isTrue();
        assertThat(calls).hasValue(2);
    }

    @Test
    void a_nonsensical_policy_is_refused_up_front() {
        assertThatThrownBy(() -> new WebhookRetryPolicy(-1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1,
                Duration.ofSeconds(1))).hasMessageContaining("parley.webhooks.retries");
        assertThatThrownBy(() -> new WebhookRetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0,
                Duration.ofSeconds(1))).hasMessageContaining("parley.webhooks.disable-after");
    }

    private static String fail() {
        throw new IllegalStateException("down");
    }
}
