package dev.parley.driver;

import dev.parley.common.MessageContent;

/**
 * The test side of a WhatsApp network a {@link WhatsAppDriverContract} runs against: what the phones, the
 * contacts and WhatsApp's servers do to a driver's devices. Each engine's test implements it over its own
 * network (the sandbox's controls, or a fake server for a real engine).
 */
public interface WhatsAppNetwork {

    /** A number on WhatsApp that accepts messages. */
    String reachableNumber();

    /** A number that is not on WhatsApp. */
    String numberNotOnWhatsapp();

    /** The device holds no credentials: its next {@code connect} offers a linking code instead of coming online. */
    void unlinked(String deviceId);

    /** The device's owner scans or enters {@code code} on the phone; false if the network rejects it. */
    boolean scan(String deviceId, LinkingCode code);

    /** The device's connection drops (the phone lost its network); the driver keeps trying to reconnect. */
    void dropConnection(String deviceId);

    /** The device's connection comes back. */
    void restoreConnection(String deviceId);

    /** WhatsApp ends the device's link, as removing it from the phone's linked devices does. */
    void logOut(String deviceId);

    /** {@code from} writes to the device in {@code chat} (their number, or a group id); answers WhatsApp's id. */
    String incoming(String deviceId, String chat, String from, MessageContent content, String quotedWaId);

    /** The recipient's phone acknowledges a message the device sent. */
    void receipt(String deviceId, String waId, Receipt receipt);

    /**
     * What the device did at WhatsApp besides sending, oldest first, one line each: {@code name:<name>},
     * {@code about:<text>}, {@code picture:<n> bytes}, {@code read:<chat>:<waId>}, {@code presence:<type>[:<chat>]}
     * (chats as E.164 or group ids).
     */
    java.util.List<String> actions(String deviceId);
}
