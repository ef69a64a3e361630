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

    /**
     * How old an event must be before {@code GET /v1/events} shows it: an event is stamped before its
     * write lands, so a write slower than this could otherwise land behind a client's cursor.
     */
    @WithDefault("1s")
    Duration settle();

    /**
     * Most events one {@code GET /v1/events} page looks at while filtering by type or device; when it is
     * reached, the page ends early with a {@code next} after the last event looked at.
     */
    @WithDefault("5000")
    int scanMax();
}
