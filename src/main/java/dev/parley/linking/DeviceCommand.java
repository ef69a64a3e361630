package dev.parley.linking;

import java.time.Instant;

/**
 * A command the API leaves for the connector that holds a device's session (ADR 0012), and its answer once that
 * connector ran it. {@code payload} and {@code answer} are small JSON documents whose shape depends on the op.
 *
 * @param deadline after this the command is not run any more: the API has stopped waiting for it
 */
public record DeviceCommand(String deviceId, String id, Op op, String payload, Status status, String answer,
                            String reason, String message, Instant deadline) {

    /** What the connector is asked to do. */
    public enum Op { link, pairingCode, logout, checkNumbers, profile, markRead, presence }

    /** Where the command is: waiting for a connector, being run, or finished either way. */
    public enum Status {
        pending, running, done, failed;

        public boolean finished() {
            return this == done || this == failed;
        }
    }

    /** A new command waiting for its connector. */
    public static DeviceCommand pending(String deviceId, String id, Op op, String payload, Instant deadline) {
        return new DeviceCommand(deviceId, id, op, payload, Status.pending, null, null, null, deadline);
    }
}
