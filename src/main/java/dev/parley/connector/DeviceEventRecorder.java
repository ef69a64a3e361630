package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.device.Device;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.LinkingCode;
import dev.parley.linking.DeviceCommandStore;
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
    private final DeviceCommandStore commands;
    private final DeviceAlerts alerts;
    /** Devices whose code this process stored, so that every other status change costs no delete. */
    private final java.util.Set<String> offering = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("receipt-retry").factory());

    DeviceEventRecorder(DeviceDirectory directory, HeldMessages held, MessageStore store, InboundHandler inbound,
                        DeviceCommandStore commands, DeviceAlerts alerts, Clock clock) {
        this.commands = commands;
        this.alerts = alerts;
        this.directory = directory;
        this.held = held;
        this.store = store;
        this.inbound = inbound;
        this.clock = clock;
    }

    /**
     * Records a status; {@code asked} when the owner asked for it (a logout), so that only a link WhatsApp ended
     * or refused by itself is emailed to the owner.
     */
    void status(String deviceId, DeviceStatus status, boolean asked) {
        try {
            boolean changed = directory.recordStatus(deviceId, status, clock.instant());
            if (status != DeviceStatus.linking && status != DeviceStatus.pending && offering.remove(deviceId)) {
                Blocking.await(commands.withdraw(deviceId)); // linked, or past linking with this code
            }
            if (status == DeviceStatus.online) {
                held.release(deviceId);
            }
            if (changed && status.needsPerson() && !asked) {
                alerts.linkLost(deviceId, status);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record status %s of device=%s", status, deviceId);
        }
    }

    /** Keeps the code the device offers where the API (maybe another process) reads it. */
    void linking(String deviceId, LinkingCode code) {
        try {
            offering.add(deviceId);
            Blocking.await(commands.offer(deviceId, new DeviceCommandStore.OfferedCode(code.kind().name(),
                    code.value(), code.expiresAt())));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not store the linking code of device=%s", deviceId);
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
