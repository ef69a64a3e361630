package dev.parley.linking;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the API waits for the connector holding a device to answer a command ({@code parley.linking}; ADR 0012). */
@ConfigMapping(prefix = "parley.linking")
public interface LinkingConfig {

    /**
     * How long a command may wait for its connector; after this it is not run and the API answers 503. Below
     * API Gateway's 30 s limit, and above a connector's command poll plus a pairing-code request.
     */
    @WithDefault("20s")
    Duration answerTimeout();

    /** How often the API reads a command back while it waits for the answer. */
    @WithDefault("100ms")
    Duration answerPoll();
}
