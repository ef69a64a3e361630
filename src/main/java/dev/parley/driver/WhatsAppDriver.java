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
 * the link, and {@code forbidden} when WhatsApp refuses the account; after either only a new {@code connect}
 * (a person asking to link again) starts the device again.
 *
 * <p>Commands ({@link #pairingCode}, {@link #logout}, {@link #checkNumbers}, {@link #updateProfile},
 * {@link #markRead}, {@link #showPresence}) need the session this process holds;
 * the API reaches them through the device commands store (ADR 0012). They throw {@link DriverRefusal} when the
 * device's state does not allow them.
 */
public interface WhatsAppDriver {

    /** Registers the listener that receives every device's events; called once before any session starts. */
    void start(DriverListener listener);

    /**
     * Starts (or resumes) the session of a device and returns at once; its status arrives through the listener.
     * On a device whose session ended (logged out, forbidden, linking codes expired) it starts it again, so an
     * unlinked device offers fresh codes; on a live session it changes nothing.
     */
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

    /**
     * Asks WhatsApp for an eight-character code that links the device when entered on the phone with number
     * {@code phone} (E.164); the device must be connected and not linked yet. Blocking.
     */
    LinkingCode pairingCode(String deviceId, String phone);

    /**
     * Unlinks the device at WhatsApp (when it is online) and forgets its credentials; {@code logged_out} follows
     * through the listener. Blocking; a device without a live session is unlinked locally.
     */
    void logout(String deviceId);

    /** Which of {@code phones} (1 to 50, E.164) are on WhatsApp, asked through the device's online session. Blocking. */
    java.util.List<NumberCheck> checkNumbers(String deviceId, java.util.List<String> phones);

    /** Changes the device's profile (name, about, picture) through its online session. Blocking. */
    void updateProfile(String deviceId, ProfileUpdate update);

    /**
     * Marks messages the device received in {@code chat} (E.164 or a group id) as read, so their senders see blue
     * ticks; {@code waIds} are WhatsApp's ids of those messages. Blocking.
     */
    void markRead(String deviceId, String chat, java.util.List<String> waIds);

    /** Shows {@code presence}: typing or recording in {@code chat}, or available/unavailable (chat null). Blocking. */
    void showPresence(String deviceId, String chat, Presence presence);
}
