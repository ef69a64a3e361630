package dev.parley.driver.sandbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Rules of the simulated WhatsApp network ({@code parley.driver.sandbox}). */
@ConfigMapping(prefix = "parley.driver.sandbox")
public interface SandboxConfig {

    /** Regular expression over the E.164 number: matching numbers are not on WhatsApp. */
    @WithDefault(".*0000$")
    String notOnWhatsapp();

    /** Regular expression over the E.164 number: sends to matching numbers fail transiently. */
    @WithDefault(".*9999$")
    String transientFailure();

    /** Simulated time a send takes. */
    @WithDefault("20ms")
    Duration sendLatency();

    /** Time between a send and its delivery receipt. */
    @WithDefault("200ms")
    Duration deliveryDelay();

    /**
     * Whether a new device comes online as soon as its session starts, as if already linked. Off, a device
     * without a linked session offers a QR code that {@code SandboxDriver.scan} (or the operator endpoint) links.
     */
    @WithDefault("true")
    boolean autoOnline();

    /**
     * How many sent messages the sandbox keeps per device for {@code SandboxDriver.sent} and the operator's
     * {@code sent} listing (and so for operator receipts by message id); older ones are forgotten.
     */
    @WithDefault("1000")
    int sentHistory();

    /**
     * A file to which the network appends every send it accepts (time, device, message id, WhatsApp id), so that
     * what it saw survives a restart or a SIGKILL of the process: the crash tests count sends in it. A device that
     * connects gets the delivery receipts of its sends logged by earlier processes again (they may have died with
     * them). Unset (the default), nothing is written.
     */
    Optional<String> networkLog();
}
