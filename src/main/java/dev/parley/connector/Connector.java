package dev.parley.connector;

import dev.parley.config.ParleyConfig;
import dev.parley.device.Device;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.DriverListener;
import dev.parley.driver.IncomingMessage;
import dev.parley.inbound.InboundHandler;
import dev.parley.driver.Receipt;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import dev.parley.message.Priority;
import dev.parley.plan.Plan;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.ReceivedMessage;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The connector role: keeps a driver session for every device of its shards, consumes those shards'
 * four priority queues, and feeds each entry to its device's {@link DeviceLane}, which sends in
 * priority order at the plan's rate while the device is online. A slow, rate-limited or offline device
 * never holds up another: each has its own lane, and pollers never wait on a lane.
 */
@ApplicationScoped
public class Connector implements DriverListener {

    private static final Logger LOG = Logger.getLogger(Connector.class);
    /** How many device refreshes pass between sweeps that release held messages of online devices. */
    private static final int RELEASE_SWEEP_EVERY = 15;
    static final String DEVICE_DELETED = "The device was deleted before the message was sent";

    private final OutboundQueue queue;
    private final MessageSender sender;
    private final MessageStore store;
    private final HeldMessages held;
    private final InboundHandler inbound;
    private final DeviceDirectory directory;
    private final WhatsAppDriver driver;
    private final ParleyConfig config;
    private final Clock clock;

    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Integer> rates = new ConcurrentHashMap<>();
    private final Map<String, DeviceStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, DeviceLane> lanes = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile Set<Integer> shards = Set.of();

    public Connector(OutboundQueue queue, MessageSender sender, MessageStore store, HeldMessages held,
                     InboundHandler inbound, DeviceDirectory directory, WhatsAppDriver driver, ParleyConfig config,
                     Clock clock) {
        this.queue = queue;
        this.sender = sender;
        this.store = store;
        this.held = held;
        this.inbound = inbound;
        this.directory = directory;
        this.driver = driver;
        this.config = config;
        this.clock = clock;
    }

    /** Starts sessions and pollers for every shard; idempotent. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        shards = Set.copyOf(IntStream.range(0, config.shards()).boxed().toList());
        driver.start(this);
        refreshDevices();
        threads.add(Thread.ofVirtual().name("connector-devices").start(this::refreshLoop));
        for (int shard : shards) {
            for (Priority priority : Priority.values()) {
                QueueAddress address = new QueueAddress(shard, priority);
                threads.add(Thread.ofVirtual().name("poll-" + shard + "-" + priority).start(() -> pollLoop(address)));
            }
        }
        LOG.infof("Connector started for shards %s", shards);
    }

    /**
     * Stops polling and sending. With {@code handOver}, waiting entries go back to their queues at once;
     * without, they reappear when their visibility lapses, exactly as after a crash.
     */
    public synchronized void stop(boolean handOver) {
        if (!running) {
            return;
        }
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        lanes.values().forEach(lane -> lane.close(handOver));
        lanes.clear();
        devices.keySet().forEach(driver::disconnect);
        devices.clear();
        statuses.clear();
        LOG.info("Connector stopped");
    }

    /** A graceful stop that hands waiting entries back at once. */
    public void stop() {
        stop(true);
    }

    public boolean isRunning() {
        return running;
    }

    @Override
    public void onStatus(String deviceId, DeviceStatus status) {
        DeviceStatus previous = statuses.put(deviceId, status);
        if (previous == status) {
            return;
        }
        LOG.infof("Device device=%s is %s", deviceId, status);
        DeviceLane lane = lanes.get(deviceId);
        if (lane != null) {
            lane.wake();
        }
        // The driver may call from any thread, an event loop included: do the I/O elsewhere.
        background.submit(() -> {
            try {
                directory.recordStatus(deviceId, status, clock.instant());
                if (status == DeviceStatus.online) {
                    held.release(deviceId);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not record status %s of device=%s", status, deviceId);
            }
        });
    }

    @Override
    public void onReceipt(String deviceId, String waId, Receipt receipt) {
        background.submit(() -> {
            try {
                String id = store.idForWaId(waId).await().indefinitely();
                if (id == null) {
                    LOG.debugf("Receipt for unknown waId on device=%s", deviceId);
                    return;
                }
                MessageStatus to = receipt == Receipt.read ? MessageStatus.read : MessageStatus.delivered;
                store.transition(id, to, clock.instant(), Map.of()).await().indefinitely();
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not record %s receipt on device=%s", receipt, deviceId);
            }
        });
    }

    @Override
    public void onIncoming(String deviceId, IncomingMessage message) {
        background.submit(() -> {
            try {
                inbound.handle(deviceId, message);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not record an incoming message on device=%s", deviceId);
            }
        });
    }

    /** Entries waiting in a device's lane; for monitoring and tests. */
    public int waiting(String deviceId) {
        DeviceLane lane = lanes.get(deviceId);
        return lane == null ? 0 : lane.size();
    }

    private boolean isOnline(String deviceId) {
        return statuses.get(deviceId) == DeviceStatus.online;
    }

    private void refreshLoop() {
        int round = 0;
        while (running) {
            try {
                Thread.sleep(config.connector().deviceRefresh());
                refreshDevices();
                if (++round % RELEASE_SWEEP_EVERY == 0) {
                    // Catches releases missed by a crash or a status flip during a release.
                    for (String id : devices.keySet()) {
                        if (isOnline(id)) {
                            held.release(id);
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Device refresh failed; retrying", e);
            }
        }
    }

    private void refreshDevices() {
        List<Device> current = directory.devicesOfShards(shards);
        Map<String, Plan> plans = directory.plans();
        Set<String> seen = new HashSet<>();
        for (Device device : current) {
            seen.add(device.id);
            Plan plan = plans.get(device.plan);
            int rate = plan == null ? 1 : plan.messagesPerMinute;
            rates.put(device.id, rate);
            DeviceLane lane = lanes.get(device.id);
            if (lane != null) {
                lane.rate(rate);
            }
            if (devices.putIfAbsent(device.id, device) == null) {
                driver.connect(device.id, device.phone);
            } else {
                devices.put(device.id, device);
            }
        }
        for (String id : Set.copyOf(devices.keySet())) {
            if (!seen.contains(id)) {
                devices.remove(id);
                statuses.remove(id);
                rates.remove(id);
                driver.disconnect(id);
                DeviceLane lane = lanes.remove(id);
                if (lane != null) {
                    // Its entries come back at once and end failed: the device is gone.
                    lane.close(true);
                }
                background.submit(() -> {
                    try {
                        held.failAll(id, DEVICE_DELETED);
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "Could not fail the held messages of deleted device=%s", id);
                    }
                });
            }
        }
    }

    private void pollLoop(QueueAddress address) {
        ParleyConfig.Connector settings = config.connector();
        while (running) {
            try {
                List<ReceivedMessage> batch = queue.receive(address, 10, settings.pollWait(),
                        settings.visibilityTimeout());
                for (ReceivedMessage entry : batch) {
                    route(entry, address.priority());
                }
            } catch (RuntimeException e) {
                if (!running || Thread.currentThread().isInterrupted()) {
                    return;
                }
                LOG.warnf(e, "Polling %s failed; retrying", address);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private void route(ReceivedMessage entry, Priority priority) {
        if (entry.message() == null) {
            sender.process(entry);
            return;
        }
        String deviceId = entry.message().deviceId();
        if (!devices.containsKey(deviceId)) {
            background.submit(() -> unknownDevice(entry));
            return;
        }
        lanes.computeIfAbsent(deviceId, id -> new DeviceLane(id, rates.getOrDefault(id, 1), sender, queue, held,
                () -> isOnline(id), clock, new DeviceLane.Settings(config.connector().visibilityTimeout(),
                        config.connector().overflowDelay())))
                .offer(entry, priority);
    }

    private void unknownDevice(ReceivedMessage entry) {
        try {
            Device device = directory.find(entry.message().deviceId());
            if (device == null) {
                sender.failUnsent(entry, DEVICE_DELETED);
            } else {
                // Created since the last refresh, or on a shard this connector does not own.
                queue.retryAfter(entry, config.connector().deviceRefresh());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Handling an entry of unknown device=%s failed", entry.message().deviceId());
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
