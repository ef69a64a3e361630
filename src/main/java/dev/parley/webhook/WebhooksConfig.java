package dev.parley.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Webhook endpoints and their dispatcher (the jobs role): {@code parley.webhooks.*}. */
@ConfigMapping(prefix = "parley.webhooks")
public interface WebhooksConfig {

    /** Most webhook endpoints one account may have. */
    @WithDefault("5")
    int maxPerAccount();

    /**
     * How old an event must be before it is dispatched: an event is stamped before its write lands, so
     * a write slower than this could otherwise be passed by an endpoint's cursor.
     */
    @WithDefault("1s")
    Duration settle();

    /** Period of the timer sweep that picks up retries and events appended by other processes. */
    @WithDefault("5s")
    Duration sweepEvery();

    /** Time allowed to open the TCP (and TLS) connection to a receiver. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time allowed for one whole request, from connecting to the response status. */
    @WithDefault("10s")
    Duration timeout();

    /** Immediate retries of a failed request within one delivery attempt, before it counts as a failure. */
    @WithDefault("2")
    int retries();

    /** Delay before the first immediate retry; doubles per retry, with up to a quarter of it as jitter. */
    @WithDefault("1s")
    Duration retryDelay();

    /** Wait after a failed delivery attempt before the next one; doubles per consecutive failure. */
    @WithDefault("10s")
    Duration backoff();

    /** Longest wait between delivery attempts of a failing endpoint. */
    @WithDefault("15m")
    Duration backoffMax();

    /** Consecutive failed delivery attempts after which an endpoint is disabled and its owner emailed. */
    @WithDefault("10")
    int disableAfter();

    /** Delivery attempts kept per endpoint for GET /v1/webhooks/{id}/logs. */
    @WithDefault("100")
    int logsKept();

    /** Most deliveries in flight at once in this process (one per endpoint). */
    @WithDefault("64")
    int maxConcurrent();

    /** Whether webhook URLs must use https. */
    @WithDefault("true")
    boolean requireHttps();

    /**
     * Non-public address blocks webhook URLs may target anyway, e.g. {@code 127.0.0.0/8,::1/128} (checked at
     * creation and, after DNS resolution, before every request). Empty in production. Link-local blocks and
     * cloud metadata addresses are refused whatever this says.
     */
    Optional<List<String>> allowedPrivateCidrs();

    /**
     * Deprecated: use {@link #allowedPrivateCidrs()}. {@code true} now means loopback only
     * ({@code 127.0.0.0/8,::1/128}), added to the list.
     */
    @Deprecated
    @WithDefault("false")
    boolean allowPrivateTargets();
}
