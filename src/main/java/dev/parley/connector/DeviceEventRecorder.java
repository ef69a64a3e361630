package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.common.OutageLog;
import dev.parley.device.Device;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.IncomingMessage;
import dev.parley.plan.Plan;
import dev.parley.driver.LinkingCode;
import dev.parley.linking.DeviceCommandStore;
import dev.parley.driver.Receipt;
import dev.parley.inbound.InboundHandler;
import dev.parley.message.MessageMedia;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Records what the network reported about a device: its status (and releases its held messages when it comes
 * online), a receipt on the message it acknowledges, an incoming message through the inbound handler. Blocking;
 * called on the connector's background threads, never on the driver's.
 */
@ApplicationScoped
class DeviceEventRecorder {

    private static final Logger LOG = Logger.getLogger(DeviceEventRecorder.class);
    /**
     * First wait before a receipt or incoming message is tried again: a receipt may arrive before its send's
     * outcome (and WhatsApp id) is recorded, and a store may be briefly unavailable.
     */
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    /** Longest wait between two tries. */
    private static final Duration MAX_RETRY = Duration.ofSeconds(15);
    /**
     * How long a receipt or incoming message is tried before it is given up (and logged as an error): longer than
     * a store outage the connector rides out, and than a send's outcome write retried through one.
     */
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(30);

    /** Status writes (and the held releases they start) in progress at once. */
    private static final int STATUS_WRITES_AT_ONCE = 16;

    private final OutageLog recording = new OutageLog("Recording receipts, incoming messages and held releases", LOG);
    private final Semaphore statusWrites = new Semaphore(STATUS_WRITES_AT_ONCE, true);
    private final DeviceDirectory directory;
    private final HeldMessages held;
    private final MessageStore store;
    private final InboundHandler inbound;
    private final MessageMedia media;
    private final DeviceCommandStore commands;
    private final DeviceAlerts alerts;
    /** Devices whose code this process stored, so that every other status change costs no delete. */
    private final java.util.Set<String> offering = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final RecentSends recent;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("event-retry").daemon().factory());

    DeviceEventRecorder(DeviceDirectory directory, HeldMessages held, MessageStore store, InboundHandler inbound,
                        MessageMedia media, DeviceCommandStore commands, DeviceAlerts alerts,
                        Clock clock, RecentSends recent) {
        this.media = media;
        this.recent = recent;
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
     * or refused by itself is emailed to the owner. {@code releaseHeld}: a device back online has its held messages
     * released here, unless its lane does it (the lane knows what it released, so keeps them in order).
     */
    void status(String deviceId, DeviceStatus status, boolean asked, boolean releaseHeld) {
        // Thousands of devices come online together when a connector starts: their writes and held-index reads
        // queue here rather than all at once, which exhausted the store clients' connection pools.
        statusWrites.acquireUninterruptibly();
        try {
            boolean changed = directory.recordStatus(deviceId, status, clock.instant());
            if (status != DeviceStatus.linking && status != DeviceStatus.pending && offering.remove(deviceId)) {
                Blocking.await(commands.withdraw(deviceId)); // linked, or past linking with this code
            }
            if (status == DeviceStatus.online && releaseHeld) {
                releaseHeld(deviceId);
            }
            if (changed && status.needsPerson() && !asked) {
                alerts.linkLost(deviceId, status);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record status %s of device=%s", status, deviceId);
        } finally {
            statusWrites.release();
        }
    }

    /** Releases a device back online's held messages; a failed release is tried again with backoff. */
    private void releaseHeld(String deviceId) {
        retrying("the held messages of device=" + deviceId, () -> {
            held.release(deviceId);
            return true;
        });
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
        retrying("a " + receipt + " receipt on device=" + deviceId, () -> applyReceipt(deviceId, waId, receipt));
    }

    /** Whether the receipt is settled: applied, or for a message it can never apply to. */
    private boolean applyReceipt(String deviceId, String waId, Receipt receipt) {
        MessageStatus to = receipt == Receipt.read ? MessageStatus.read : MessageStatus.delivered;
        String sentHere = recent.find(deviceId, waId);
        if (sentHere != null) {
            // sent from this device by this process, its sent status recorded: no index query, no device check
            return recordReceipt(sentHere, to);
        }
        String id = Blocking.await(store.findByWaId(waId));
        if (id == null) {
            return false;
        }
        MessageRecord record = Blocking.await(store.get(id));
        if (record == null || !deviceId.equals(record.deviceId())) {
            // A WhatsApp id is only unique per device: a receipt never moves another device's message.
            LOG.debugf("Receipt on device=%s for message=%s of another device ignored", deviceId, id);
            return true;
        }
        return recordReceipt(id, to);
    }

    /**
     * Whether a receipt is settled on its message: applied, or moot because the message is already past it or
     * ended. A message not yet {@code sent} (its outcome write still on its way, or acknowledged by a store that then
     * lost it in a crash and written again later) is not settled: the receipt is tried again, not dropped.
     */
    private boolean recordReceipt(String id, MessageStatus to) {
        if (Blocking.await(store.recordReceipt(id, to, clock.instant()))) {
            return true;
        }
        MessageRecord record = Blocking.await(store.get(id));
        return record == null || record.status().isFinal();
    }

    void incoming(String deviceId, IncomingMessage message) {
        retrying("an incoming message on device=" + deviceId, () -> {
            Device device = directory.find(deviceId);
            if (device == null) {
                LOG.debugf("Incoming message for unknown device=%s dropped", deviceId);
                return true;
            }
            Plan plan = directory.plans().get(device.plan);
            IncomingMessage stored = message;
            if (message.mediaBytes() != null && plan != null && plan.incoming) {
                // Stored before the message, so a retry after a failure stores the same content (shared by hash).
                stored = message.withMediaFile(media.storeIncoming(device.accountId, message.mediaBytes(),
                        message.content().media().filename(), "incoming " + message.waId()));
            }
            inbound.handle(device, plan, stored);
            return true;
        });
    }

    /**
     * Runs {@code work} until it answers true, with exponential backoff between tries, for up to
     * {@link #GIVE_UP_AFTER}; failures are one outage for the log, so an unavailable store stays quiet.
     */
    private void retrying(String what, Supplier<Boolean> work) {
        attempt(what, work, clock.instant(), FIRST_RETRY, false);
    }

    private void attempt(String what, Supplier<Boolean> work, Instant since, Duration wait, boolean failedBefore) {
        boolean failed = false;
        try {
            if (work.get()) {
                recording.succeeded();
                if (failedBefore) {
                    LOG.debugf("Recorded %s after retrying since %s", what, since);
                }
                return;
            }
        } catch (RuntimeException e) {
            failed = true;
            recording.failed(e);
        }
        if (Duration.between(since, clock.instant()).compareTo(GIVE_UP_AFTER) > 0) {
            LOG.errorf("Gave up recording %s after trying since %s", what, since);
            return;
        }
        boolean logged = failedBefore || failed;
        Duration next = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        try {
            // The timer thread only hands the next try to a virtual thread, so a slow store delays no other.
            later.schedule(() -> Thread.startVirtualThread(() -> attempt(what, work, since, next, logged)),
                    wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debugf("Connector stopping: %s not retried", what);
        }
    }

    @PreDestroy
    void shutdown() {
        later.shutdownNow();
    }
}
