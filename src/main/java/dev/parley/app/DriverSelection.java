package dev.parley.app;

import dev.parley.driver.DriverConfig;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.driver.baileys.BaileysDriver;
import dev.parley.driver.sandbox.SandboxDriver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes the engine named by {@code parley.driver.type} the {@link WhatsAppDriver} every injection point gets.
 * Engines are beans of their own type only ({@code @Typed}), so exactly one is ever the driver, and an engine
 * not chosen is never created. A new engine is one more case here.
 */
@ApplicationScoped
public class DriverSelection {

    /** The engines this build knows, by their {@code parley.driver.type} name. */
    static final String SANDBOX = "sandbox";
    static final String BAILEYS = "baileys";

    @Produces
    @Singleton
    WhatsAppDriver driver(DriverConfig config, Instance<SandboxDriver> sandbox, Instance<BaileysDriver> baileys) {
        return switch (config.type().trim().toLowerCase(java.util.Locale.ROOT)) {
            case SANDBOX -> sandbox.get();
            case BAILEYS -> baileys.get();
            default -> throw new IllegalStateException("parley.driver.type=" + config.type()
                    + " names no driver engine; known: " + SANDBOX + ", " + BAILEYS);
        };
    }
}
