package dev.parley.connector;

import dev.parley.device.Device;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * Entries a poller cannot give to a lane: for a device this connector has no session for (deleted, created
 * since the last refresh, or on another connector's shard), or received just as their shard moved away.
 */
final class StrayEntries {

    private static final Logger LOG = Logger.getLogger(StrayEntries.class);

    private final DeviceDirectory directory;
    private final MessageSender sender;
    private final OutboundQueue queue;
    private final Duration recheck;
    private final ExecutorService background;

    StrayEntries(DeviceDirectory directory, MessageSender sender, OutboundQueue queue, Duration recheck,
                 ExecutorService background) {
        this.directory = directory;
        this.sender = sender;
        this.queue = queue;
        this.recheck = recheck;
        this.background = background;
    }

    /**
     * An entry for a device without a session here: fails it if the device is gone or its subscription ended, else
     * looks again later.
     */
    void unknownDevice(ReceivedMessage entry) {
        background.submit(() -> {
            try {
                Device device = directory.find(entry.message().deviceId());
                if (device == null) {
                    sender.failUnsent(entry, DeviceSessions.DEVICE_DELETED);
                } else if (device.billingStatus != null && device.billingStatus.ended()) {
                    sender.failUnsent(entry, DeviceSessions.SUBSCRIPTION_ENDED);
                } else {
                    queue.retryAfter(entry, recheck);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "Handling an entry of unknown device=%s failed", entry.message().deviceId());
            }
        });
    }

    /** Received as the shard moved away: visible again at once for its new owner. */
    void handBack(ReceivedMessage entry) {
        try {
            queue.retryAfter(entry, Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debugf("Hand-back of an entry failed; it returns after its visibility lapses: %s", e.getMessage());
        }
    }
}
