package dev.parley.driver;

import java.time.Instant;

/**
 * The one seam between Parley and the WhatsApp network; the engine is chosen by {@code parley.driver.type}
 * ({@link DriverConfig}). A connector starts a session per device it owns; everything the network does comes
 * back asynchronously through the listener the driver was started with. What every engine must do is the
 * {@code WhatsAppDriverContract} test.
 *
 * <p>Session life: {@code connect} returns at once; the device then reports {@code linking} (with a
 * {@link LinkingCode}) when it has no credentials, {@code online} once linked and connected, {@code offline}
 * while the connection is down (the engine reconnects by itself), and {@code logged_out} when WhatsApp ended
 * the link, which takes a new {@code connect} and linking.
 */
public interface WhatsAppDriver {

    /** Registers the listener that receives every device's events; called once before any session starts. */
    void start(DriverListener listener);

    /** Starts (or resumes) the session of a device and returns at once; its status arrives through the listener. */
    void connect(String deviceId, String phone);

    /** Ends the session of a device, if there is one, keeping its credentials; reports nothing further for it. */
    void disconnect(String deviceId);

    /**
     * Sends one message through a device's session; blocking, and never throws for a network outcome. Receipts
     * for it may reach the listener before this returns.
     */
    SendResult send(String deviceId, OutboundMessage message);

    /**
     * Whether the device sent the message with our id {@code messageId} at or after {@code since}, when an earlier
     * attempt's outcome was lost. An engine answers {@link PastSend.NotSent} only when it is certain; the default
     * is {@link PastSend.Unknown}, and then the message is never sent again (at most once, ADR 0008).
     */
    default PastSend lookUpSend(String deviceId, String messageId, Instant since) {
        return new PastSend.Unknown();
    }
}
