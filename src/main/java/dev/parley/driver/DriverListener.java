package dev.parley.driver;

import dev.parley.device.DeviceStatus;

/** Receives what a driver observes on the network. Calls may come from any thread. */
public interface DriverListener {

    /** A device's session came up or went down. */
    void onStatus(String deviceId, DeviceStatus status);

    /** A sent message reached a new acknowledgement level. */
    void onReceipt(String deviceId, String waId, Receipt receipt);

    /** A device received a message. */
    void onIncoming(String deviceId, IncomingMessage message);
}
