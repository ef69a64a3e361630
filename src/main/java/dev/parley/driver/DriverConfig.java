package dev.parley.driver;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Which {@link WhatsAppDriver} engine this process runs ({@code parley.driver.type}). The environment variable
 * {@code PARLEY_DRIVER_TYPE} sets it, and so does the shorter {@code PARLEY_DRIVER} ({@code parley.driver}), which
 * the default falls back to.
 */
@ConfigMapping(prefix = "parley.driver")
public interface DriverConfig {

    /** The engine: {@code sandbox} (a simulated network) or {@code baileys} (WhatsApp through the Node.js sidecar). */
    @WithDefault("${parley.driver:sandbox}")
    String type();
}
