package dev.parley.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Periodic jobs of the jobs role ({@code parley.jobs.*}). */
@ConfigMapping(prefix = "parley.jobs")
public interface JobsConfig {

    /** How often scheduled messages due soon are moved into their queue. */
    @WithDefault("30s")
    Duration promoteEvery();

    /** How often records whose queue write was not confirmed are re-enqueued. */
    @WithDefault("60s")
    Duration repairEvery();

    /** How often entries in the outbound queues' dead-letter queues are moved back to their queue. */
    @WithDefault("5m")
    Duration redriveEvery();

    /** Age after which an unconfirmed queue write is considered lost and repaired. */
    @WithDefault("60s")
    Duration repairAfter();
}
