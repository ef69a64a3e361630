package dev.parley.driver;

import dev.parley.device.DeviceStatus;

/**
 * Receives what a driver observes on the network. Calls may come from any thread, an event loop included,
 * and at any time: a status after {@code connect} returns, a receipt before the {@code send} that it
 * acknowledges has returned. A listener must return quickly and never block.
 */
public interface DriverListener {

    /** A device's session changed state: linking, online, offline (will reconnect) or logged_out (must relink). */
    void onStatus(String deviceId, DeviceStatus status);

    /** A device without credentials offers a code to scan or enter on the phone; a new one replaces the last. */
    void onLinking(String deviceId, LinkingCode code);

    /** A sent message reached a new acknowledgement level. */
    void onReceipt(String deviceId, String waId, Receipt receipt);

    /** A device received a message. */
    void onIncoming(String deviceId, IncomingMessage message);
}
