package dev.parley.driver;

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
}
