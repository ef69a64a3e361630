package dev.parley.connector;

import dev.parley.device.Device;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.plan.Plan;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * A connector's driver sessions, one per device of the shards it owns, reconciled with the devices in
 * PostgreSQL: a new device gets a session, a deleted one (or one whose subscription ended) loses its session and
 * lane and its held messages fail. Also what the driver last said about each device, each device's send rate
 * from its plan, and whether billing holds its messages (suspended until paid).
 */
final class DeviceSessions {

    private static final Logger LOG = Logger.getLogger(DeviceSessions.class);
    static final String DEVICE_DELETED = "The device was deleted before the message was sent";
    static final String SUBSCRIPTION_ENDED = "subscription ended";
    /** Most devices one sweep releases the held messages of (one index read each). */
    static final int SWEEP_MOST = 500;

    private final WhatsAppDriver driver;
    private final DeviceDirectory directory;
    private final HeldMessages held;
    private final DeviceLanes lanes;
    private final ExecutorService background;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Integer> rates = new ConcurrentHashMap<>();
    private final Map<String, DeviceStatus> statuses = new ConcurrentHashMap<>();
    /** Devices whose owner asked to log them out: their logged_out is no news to the owner. */
    private final Set<String> logoutsAsked = ConcurrentHashMap.newKeySet();
    /** Devices whose subscription ended and whose held messages were failed by this process. */
    private final Set<String> endedHandled = new HashSet<>();

    DeviceSessions(WhatsAppDriver driver, DeviceDirectory directory, HeldMessages held, DeviceLanes lanes,
                   ExecutorService background) {
        this.driver = driver;
        this.directory = directory;
        this.held = held;
        this.lanes = lanes;
        this.background = background;
    }

    /** Starts sessions for the devices of {@code shards} that have none, and ends those of devices gone. */
    void reconcile(Collection<Integer> shards) {
        List<Device> current = shards.isEmpty() ? List.of() : directory.devicesOfShards(shards);
        Map<String, Plan> plans = directory.plans();
        Set<String> seen = new HashSet<>();
        Set<String> ended = new HashSet<>();
        for (Device device : current) {
            if (device.billingStatus != null && device.billingStatus.ended()) {
                // Disabled: no session; what still waits for it fails below (its lane's entries as strays).
                ended.add(device.id);
                continue;
            }
            seen.add(device.id);
            Plan plan = plans.get(device.plan);
            int rate = plan == null ? 1 : plan.messagesPerMinute;
            rates.put(device.id, rate);
            lanes.rate(device.id, rate);
            if (devices.putIfAbsent(device.id, device) == null) {
                held.mayHold(device.id); // held by a previous owner, or before a restart, for all it knows
                if (device.status != null && device.status.needsPerson()) {
                    // logged out or refused: it stays down until its owner links it again (a link command)
                    statuses.put(device.id, device.status);
                } else {
                    driver.connect(device.id, device.phone);
                }
            } else if (holdsMessages(devices.put(device.id, device)) && !holdsMessages(device)) {
                // Paid again after a suspension: what was held for it goes out now, not at the next sweep.
                background.submit(() -> releaseHeld(device.id));
            }
        }
        endedHandled.retainAll(ended);
        for (String id : Set.copyOf(devices.keySet())) {
            if (!seen.contains(id)) {
                // Its entries come back at once and end failed: the device is gone or its subscription ended.
                forget(id, true);
                if (!ended.contains(id)) {
                    failHeld(id, DEVICE_DELETED);
                }
            }
        }
        for (String id : ended) {
            if (endedHandled.add(id)) {
                failHeld(id, SUBSCRIPTION_ENDED);
            }
        }
    }

    private void failHeld(String deviceId, String reason) {
        background.submit(() -> {
            try {
                held.failAll(deviceId, reason);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not fail the held messages of device=%s (%s)", deviceId, reason);
            }
        });
    }

    private static boolean holdsMessages(Device device) {
        return device != null && device.billingStatus != null && device.billingStatus.holdsMessages();
    }

    /** Ends the sessions and lanes of a shard's devices; {@code handOver} sends waiting entries back at once. */
    void forgetShard(int shard, boolean handOver) {
        for (Device device : List.copyOf(devices.values())) {
            if (device.shard == shard) {
                forget(device.id, handOver);
            }
        }
    }

    /** Ends every session that is left, e.g. on stop. */
    void disconnectAll() {
        devices.keySet().forEach(driver::disconnect);
        devices.clear();
        statuses.clear();
    }

    /**
     * Releases the held messages of online devices that may have some, at most {@value #SWEEP_MOST} a sweep
     * ({@link HeldMessages#mayHoldFor}), catching releases missed by a crash or a status flip:
     * through the device's lane when it has one (which releases only what it has room for, so a backlog held
     * for a full lane is not poured back into SQS every sweep), else at most one lane's worth.
     */
    void releaseHeldOfOnlineDevices() {
        held.mayHoldFor(devices.keySet(), SWEEP_MOST).forEach(this::releaseHeld);
    }

    /**
     * Marks every device as maybe holding messages again, for the sweeps to look at over the next rounds: a safety
     * net for a hold this process cannot know of (a previous owner's, landing after this one's first release).
     */
    void suspectAllHeld() {
        devices.keySet().forEach(held::mayHold);
    }

    private void releaseHeld(String deviceId) {
        if (maySend(deviceId) && !lanes.heldMayWait(deviceId)) {
            held.release(deviceId, lanes.capacityFor(rate(deviceId)));
        }
    }

    /** Records what the driver said; false when the device was in that state already. */
    boolean statusChanged(String deviceId, DeviceStatus status) {
        return statuses.put(deviceId, status) != status;
    }

    /** The device as last read from PostgreSQL, if this connector holds it. */
    Device device(String deviceId) {
        return devices.get(deviceId);
    }

    /** Starts the device's session again (its owner asked to link it); false when this connector does not hold it. */
    boolean relink(String deviceId) {
        Device device = devices.get(deviceId);
        if (device == null) {
            return false;
        }
        driver.connect(deviceId, device.phone);
        return true;
    }

    /** Its owner asked to log the device out: the logged_out that follows is expected. */
    void logoutAsked(String deviceId) {
        logoutsAsked.add(deviceId);
    }

    /** Whether the device's owner asked for the logout just reported; answers once per request. */
    boolean takeLogoutAsked(String deviceId) {
        return logoutsAsked.remove(deviceId);
    }

    boolean hasSession(String deviceId) {
        return devices.containsKey(deviceId);
    }

    /** Whether the device's messages go out now: it is online and billing does not hold them (suspended). */
    boolean maySend(String deviceId) {
        return statuses.get(deviceId) == DeviceStatus.online && !holdsMessages(devices.get(deviceId));
    }

    /** The device's messages per minute, from its plan; 1 until it is known. */
    int rate(String deviceId) {
        return rates.getOrDefault(deviceId, 1);
    }

    private void forget(String deviceId, boolean handOver) {
        devices.remove(deviceId);
        held.forget(deviceId);
        statuses.remove(deviceId);
        rates.remove(deviceId);
        driver.disconnect(deviceId);
        lanes.close(deviceId, handOver);
    }
}
