package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.device.Device;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.Receipt;
import dev.parley.inbound.InboundHandler;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records what the network reported about a device: its status (and releases its held messages when it comes
 * online), a receipt on the message it acknowledges, an incoming message through the inbound handler. Blocking;
 * called on the connector's background threads, never on the driver's.
 */
@ApplicationScoped
class DeviceEventRecorder {

    private static final Logger LOG = Logger.getLogger(DeviceEventRecorder.class);
    /** A receipt may arrive before its send's outcome (and WhatsApp id) is recorded: look again this often. */
    private static final Duration RECEIPT_RETRY = Duration.ofMillis(250);
    /** How many times a receipt for an unknown WhatsApp id is looked up before it is dropped. */
    private static final int RECEIPT_LOOKUPS = 20;

    private final DeviceDirectory directory;
    private final HeldMessages held;
    private final MessageStore store;
    private final InboundHandler inbound;
    private final Clock clock;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("receipt-retry").factory());

    DeviceEventRecorder(DeviceDirectory directory, HeldMessages held, MessageStore store, InboundHandler inbound,
                        Clock clock) {
        this.directory = directory;
        this.held = held;
        this.store = store;
        this.inbound = inbound;
        this.clock = clock;
    }

    void status(String deviceId, DeviceStatus status) {
        try {
            directory.recordStatus(deviceId, status, clock.instant());
            if (status == DeviceStatus.online) {
                held.release(deviceId);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record status %s of device=%s", status, deviceId);
        }
    }

    void receipt(String deviceId, String waId, Receipt receipt) {
        receipt(deviceId, waId, receipt, 1);
    }

    private void receipt(String deviceId, String waId, Receipt receipt, int lookup) {
        try {
            String id = Blocking.await(store.findByWaId(waId));
            if (id == null) {
                if (lookup < RECEIPT_LOOKUPS) {
                    later.schedule(() -> receipt(deviceId, waId, receipt, lookup + 1), RECEIPT_RETRY.toMillis(),
                            TimeUnit.MILLISECONDS);
                } else {
                    LOG.debugf("Receipt for unknown waId on device=%s", deviceId);
                }
                return;
            }
            MessageRecord record = Blocking.await(store.get(id));
            if (record == null || !deviceId.equals(record.deviceId())) {
                // A WhatsApp id is only unique per device: a receipt never moves another device's message.
                LOG.debugf("Receipt on device=%s for message=%s of another device ignored", deviceId, id);
                return;
            }
            MessageStatus to = receipt == Receipt.read ? MessageStatus.read : MessageStatus.delivered;
            Blocking.await(store.recordReceipt(id, to, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record %s receipt on device=%s", receipt, deviceId);
        }
    }

    void incoming(String deviceId, IncomingMessage message) {
        try {
            Device device = directory.find(deviceId);
            if (device == null) {
                LOG.debugf("Incoming message for unknown device=%s dropped", deviceId);
                return;
            }
            inbound.handle(device, directory.plans().get(device.plan), message);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record an incoming message on device=%s", deviceId);
        }
    }

    @PreDestroy
    void shutdown() {
        later.shutdownNow();
    }
}
