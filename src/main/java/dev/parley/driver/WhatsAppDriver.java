package dev.parley.driver;

/**
 * The one seam between Parley and the WhatsApp network. A connector starts a session per device it
 * owns; the driver reports status changes and receipts to the listener it was started with.
 */
public interface WhatsAppDriver {

    /** Registers the listener that receives every device's events; called once before any session starts. */
    void start(DriverListener listener);

    /** Starts (or resumes) the session of a device; its status arrives through the listener. */
    void connect(String deviceId, String phone);

    /** Ends the session of a device, if there is one. */
    void disconnect(String deviceId);

    /** Sends one message through a device's session; blocking, and never throws for a network outcome. */
    SendResult send(String deviceId, OutboundMessage message);
}
