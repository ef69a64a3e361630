package dev.parley.connector;

import dev.parley.aws.DynamoTables;
import dev.parley.common.Blocking;
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
import dev.parley.common.Priority;
import dev.parley.plan.Plan;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.ReceivedMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connector role: keeps a driver session for every device of the shards it owns, consumes those
 * shards' four priority queues, and feeds each entry to its device's {@link DeviceLane}, which sends in
 * priority order at the plan's rate while the device is online. A slow, rate-limited or offline device
 * never holds up another: each has its own lane, and pollers never wait on a lane.
 *
 * <p>Which shards it owns changes while it runs: {@link ShardLeases} shares them among the live connectors
 * (ADR 0005). Gaining a shard starts its device sessions and pollers; losing or releasing one stops its
 * pollers, hands its lanes' entries back to the queues and ends its device sessions.
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
    private final DynamoDbClient dynamo;
    private final DynamoTables tables;
    private final String name;

    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Integer> rates = new ConcurrentHashMap<>();
    private final Map<String, DeviceStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, DeviceLane> lanes = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    /** Guards the owned shards, their pollers and the device sessions that follow from them. */
    private final ReentrantLock ownership = new ReentrantLock();
    private final Map<Integer, List<Thread>> pollers = new ConcurrentHashMap<>();
    private volatile Set<Integer> shards = Set.of();
    private volatile boolean running;
    private volatile String owner;
    private Thread refresher;
    private ShardLeases leases;

    @Inject
    public Connector(OutboundQueue queue, MessageSender sender, MessageStore store, HeldMessages held,
                     InboundHandler inbound, DeviceDirectory directory, WhatsAppDriver driver, ParleyConfig config,
                     Clock clock, DynamoDbClient dynamo, DynamoTables tables) {
        this(queue, sender, store, held, inbound, directory, driver, config, clock, dynamo, tables,
                config.connector().name());
    }

    /**
     * A connector with its own driver and name, e.g. a second connector in one process; {@code sender} must send
     * through {@code driver}. Its lease owner id is {@code name} plus a random suffix, new at every start.
     */
    public Connector(OutboundQueue queue, MessageSender sender, MessageStore store, HeldMessages held,
                     InboundHandler inbound, DeviceDirectory directory, WhatsAppDriver driver, ParleyConfig config,
                     Clock clock, DynamoDbClient dynamo, DynamoTables tables, String name) {
        this.queue = queue;
        this.sender = sender;
        this.store = store;
        this.held = held;
        this.inbound = inbound;
        this.directory = directory;
        this.driver = driver;
        this.config = config;
        this.clock = clock;
        this.dynamo = dynamo;
        this.tables = tables;
        this.name = name;
    }

    /**
     * Starts the connector; idempotent. With leases (the default) it registers, takes its share of the free
     * shards before returning (all of them when it is alone) and keeps balancing; without, it owns every shard.
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        owner = name + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        driver.start(this);
        ParleyConfig.Connector settings = config.connector();
        if (settings.leases()) {
            leases = new ShardLeases(dynamo, tables.leases(), config.shards(), settings.leaseDuration(),
                    settings.heartbeat(), owner, new ShardLeases.Listener() {
                        @Override
                        public void gained(int shard) {
                            own(shard);
                        }

                        @Override
                        public void lost(int shard) {
                            disown(shard, true);
                        }
                    });
            leases.start();
        } else {
            for (int shard = 0; shard < config.shards(); shard++) {
                own(shard);
            }
        }
        refresher = Thread.ofVirtual().name("connector-devices").start(this::refreshLoop);
        LOG.infof("Connector owner=%s started with shards %s", owner, shards());
    }

    /**
     * Stops polling and sending. With {@code handOver}, waiting entries go back to their queues at once and
     * every lease is released, so other connectors take the shards over at once; without, nothing is handed
     * back or released: entries reappear when their visibility lapses and shards move when their leases
     * lapse, exactly as after a crash.
     */
    public synchronized void stop(boolean handOver) {
        if (!running) {
            return;
        }
        running = false;
        if (leases != null) {
            leases.stop(handOver);
            leases = null;
        }
        if (refresher != null) {
            refresher.interrupt();
            join(refresher);
            refresher = null;
        }
        for (int shard : shards) {
            disown(shard, handOver);
        }
        devices.keySet().forEach(driver::disconnect);
        devices.clear();
        statuses.clear();
        LOG.infof("Connector owner=%s stopped", owner);
    }

    /** A graceful stop that hands waiting entries back at once. */
    public void stop() {
        stop(true);
    }

    public boolean isRunning() {
        return running;
    }

    /** The shards this connector owns now; for monitoring and tests. */
    public SortedSet<Integer> shards() {
        return new TreeSet<>(shards);
    }

    /** This run's lease owner id (name plus a random suffix), or null before the first start. */
    public String owner() {
        return owner;
    }

    /** Starts a shard's device sessions and its four pollers; a no-op if owned already or stopping. */
    private void own(int shard) {
        ownership.lock();
        try {
            if (!running || shards.contains(shard)) {
                return;
            }
            Set<Integer> now = new HashSet<>(shards);
            now.add(shard);
            shards = Set.copyOf(now);
            try {
                refreshDevices();
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf(e, "Loading the devices of shard=%d failed; the next refresh retries", shard);
                }
            }
            List<Thread> threads = new ArrayList<>();
            for (Priority priority : Priority.values()) {
                QueueAddress address = new QueueAddress(shard, priority);
                threads.add(Thread.ofVirtual().name("poll-" + shard + "-" + priority).start(() -> pollLoop(address)));
            }
            pollers.put(shard, threads);
        } finally {
            ownership.unlock();
        }
        LOG.infof("Connector owner=%s owns shard=%d", owner, shard);
    }

    /**
     * Stops a shard's pollers, closes its devices' lanes (handing their entries back when {@code handOver})
     * and ends their sessions; a no-op if not owned.
     */
    private void disown(int shard, boolean handOver) {
        ownership.lock();
        try {
            if (!shards.contains(shard)) {
                return;
            }
            Set<Integer> now = new HashSet<>(shards);
            now.remove(shard);
            shards = Set.copyOf(now);
            List<Thread> threads = pollers.remove(shard);
            if (threads != null) {
                threads.forEach(Thread::interrupt);
                threads.forEach(Connector::join);
            }
            for (Device device : List.copyOf(devices.values())) {
                if (device.shard == shard) {
                    forget(device.id, handOver);
                }
            }
        } finally {
            ownership.unlock();
        }
        LOG.infof("Connector owner=%s gave up shard=%d", owner, shard);
    }

    /** Drops a device's session and lane; {@code handOver} sends its waiting entries back at once. */
    private void forget(String deviceId, boolean handOver) {
        devices.remove(deviceId);
        statuses.remove(deviceId);
        rates.remove(deviceId);
        driver.disconnect(deviceId);
        DeviceLane lane = lanes.remove(deviceId);
        if (lane != null) {
            lane.close(handOver);
        }
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
                String id = Blocking.await(store.findByWaId(waId));
                if (id == null) {
                    LOG.debugf("Receipt for unknown waId on device=%s", deviceId);
                    return;
                }
                MessageStatus to = receipt == Receipt.read ? MessageStatus.read : MessageStatus.delivered;
                Blocking.await(store.recordReceipt(id, to, clock.instant()));
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not record %s receipt on device=%s", receipt, deviceId);
            }
        });
    }

    @Override
    public void onIncoming(String deviceId, IncomingMessage message) {
        background.submit(() -> {
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
                ownership.lock();
                try {
                    refreshDevices();
                } finally {
                    ownership.unlock();
                }
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

    /** Reconciles sessions with the devices of the owned shards; called with {@link #ownership} held. */
    private void refreshDevices() {
        List<Device> current = shards.isEmpty() ? List.of() : directory.devicesOfShards(shards);
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
                // Its entries come back at once and end failed: the device is gone.
                forget(id, true);
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
        while (running && shards.contains(address.shard())) {
            try {
                List<ReceivedMessage> batch = queue.receive(address, 10, settings.pollWait(),
                        settings.visibilityTimeout());
                boolean owned = running && shards.contains(address.shard());
                for (ReceivedMessage entry : batch) {
                    if (owned) {
                        route(entry, address.priority());
                    } else {
                        // Received as the shard moved away: visible again at once for its new owner.
                        handBack(entry);
                    }
                }
            } catch (RuntimeException e) {
                if (!running || !shards.contains(address.shard()) || Thread.currentThread().isInterrupted()) {
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

    private void handBack(ReceivedMessage entry) {
        try {
            queue.retryAfter(entry, Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debugf("Hand-back of an entry failed; it returns after its visibility lapses: %s", e.getMessage());
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
