package dev.parley.message;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Message acceptance rules ({@code parley.messages.*}). */
@ConfigMapping(prefix = "parley.messages")
public interface MessagesConfig {

    /** Latest deliverAt (and expiration) accepted, from now. */
    @WithDefault("365d")
    Duration scheduleHorizon();

    /**
     * Messages due within this lead are queued at once with an SQS delivery delay; later ones stay
     * scheduled until the promotion job queues them. At most 15 minutes, SQS's delay ceiling.
     */
    @WithDefault("15m")
    Duration scheduleLead();

    /** Most messages in one bulk request. */
    @WithDefault("500")
    int bulkMax();

    /** How long an Idempotency-Key is remembered. */
    @WithDefault("24h")
    Duration idempotencyRetention();
}
