package dev.parley.connector;

import dev.parley.common.Priority;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** A connector's {@link DeviceLane}s, one per device with entries, created on a device's first entry. */
final class DeviceLanes {

    /** Holds of all lanes that run at once: enough to outpace a flood, few enough to leave the stores room. */
    private static final int HOLDS_AT_ONCE = 16;

    private final MessageSender sender;
    private final OutboundQueue queue;
    private final HeldMessages held;
    private final OverflowHolder holder;
    private final Clock clock;
    private final DeviceLane.Settings settings;
    private final Map<String, DeviceLane> lanes = new ConcurrentHashMap<>();

    DeviceLanes(MessageSender sender, OutboundQueue queue, HeldMessages held, Clock clock, ConnectorConfig config) {
        this.sender = sender;
        this.queue = queue;
        this.held = held;
        this.holder = new OverflowHolder(held, HOLDS_AT_ONCE);
        this.clock = clock;
        this.settings = new DeviceLane.Settings(config.visibilityTimeout(), config.overflowDelay(),
                config.gatherWindow(), config.laneMaxEntries(), config.handOverGrace(), config.rateWindow());
    }

    /** How many entries a lane at {@code messagesPerMinute} keeps before holding the rest in DynamoDB. */
    int capacityFor(int messagesPerMinute) {
        return settings.capacityFor(messagesPerMinute);
    }

    /** Puts an entry in its device's lane, opening the lane at {@code rate} sends a minute if it has none. */
    void offer(String deviceId, ReceivedMessage entry, Priority priority, int rate, BooleanSupplier online) {
        lanes.computeIfAbsent(deviceId, id -> new DeviceLane(id, rate, sender, queue, holder, held, online, clock, settings))
                .offer(entry, priority);
    }

    /** The device's plan (and so its rate) may have changed. */
    void rate(String deviceId, int messagesPerMinute) {
        DeviceLane lane = lanes.get(deviceId);
        if (lane != null) {
            lane.rate(messagesPerMinute);
        }
    }

    /** Tells the device's lane that held messages may wait for it; false if the device has no lane here. */
    boolean heldMayWait(String deviceId) {
        DeviceLane lane = lanes.get(deviceId);
        if (lane == null) {
            return false;
        }
        lane.heldMayWait();
        return true;
    }

    /** Wakes the device's lane, e.g. because the device came online. */
    void wake(String deviceId) {
        DeviceLane lane = lanes.get(deviceId);
        if (lane != null) {
            lane.wake();
        }
    }

    /** Closes the device's lane; {@code handOver} sends its waiting entries back at once. */
    void close(String deviceId, boolean handOver) {
        DeviceLane lane = lanes.remove(deviceId);
        if (lane != null) {
            lane.close(handOver);
        }
    }

    /** Entries waiting in the device's lane. */
    int waiting(String deviceId) {
        DeviceLane lane = lanes.get(deviceId);
        return lane == null ? 0 : lane.size();
    }
}
