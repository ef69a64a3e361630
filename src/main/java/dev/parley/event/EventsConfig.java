package dev.parley.event;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The events outbox ({@code parley.events.*}). */
@ConfigMapping(prefix = "parley.events")
public interface EventsConfig {

    /** How long events are kept (DynamoDB TTL); webhooks disabled longer than this miss events. */
    @WithDefault("7d")
    Duration retention();
}
