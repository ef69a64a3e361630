package dev.parley.connector;

import dev.parley.config.ParleyConfig;
import dev.parley.device.Device;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.DriverListener;
import dev.parley.driver.Receipt;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.message.MessageStatus;
import dev.parley.message.MessageStore;
import dev.parley.message.Priority;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The connector role: keeps a driver session for every device of its shards, consumes those shards'
 * queues and hands each entry to its device's worker, so one device's messages go out in order and a
 * slow or offline device never holds up another.
 */
@ApplicationScoped
public class Connector implements DriverListener {

    private static final Logger LOG = Logger.getLogger(Connector.class);
    /** Entries a shard may hold in memory before its poller waits. */
    private static final int IN_FLIGHT_PER_SHARD = 100;

    private final OutboundQueue queue;
    private final MessageSender sender;
    private final MessageStore store;
    private final DeviceDirectory directory;
    private final WhatsAppDriver driver;
    private final ParleyConfig config;
    private final Clock clock;

    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, DeviceStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, ExecutorService> workers = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile Set<Integer> shards = Set.of();

    public Connector(OutboundQueue queue, MessageSender sender, MessageStore store, DeviceDirectory directory,
                     WhatsAppDriver driver, ParleyConfig config, Clock clock) {
        this.queue = queue;
        this.sender = sender;
        this.store = store;
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
            threads.add(Thread.ofVirtual().name("connector-shard-" + shard).start(() -> pollLoop(shard)));
        }
        LOG.infof("Connector started for shards %s", shards);
    }

    /** Stops polling and sending; entries in flight return to their queue when their visibility lapses. */
    public synchronized void stop() {
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
        workers.values().forEach(ExecutorService::shutdown);
        workers.clear();
        devices.keySet().forEach(driver::disconnect);
        devices.clear();
        statuses.clear();
        LOG.info("Connector stopped");
    }

    public boolean isRunning() {
        return running;
    }

    @Override
    public void onStatus(String deviceId, DeviceStatus status) {
        DeviceStatus previous = statuses.put(deviceId, status);
        if (previous != status) {
            LOG.infof("Device device=%s is %s", deviceId, status);
            // The driver may call from any thread, an event loop included: record off that thread.
            background.submit(() -> {
                try {
                    directory.recordStatus(deviceId, status, clock.instant());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Could not record status %s of device=%s", status, deviceId);
                }
            });
        }
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

    private void refreshLoop() {
        while (running) {
            try {
                Thread.sleep(config.connector().deviceRefresh());
                refreshDevices();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Device refresh failed; retrying", e);
            }
        }
    }

    private void refreshDevices() {
        List<Device> current = directory.devicesOfShards(shards);
        Set<String> seen = new HashSet<>();
        for (Device device : current) {
            seen.add(device.id);
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
                driver.disconnect(id);
            }
        }
    }

    private void pollLoop(int shard) {
        QueueAddress address = new QueueAddress(shard, Priority.normal);
        Semaphore inFlight = new Semaphore(IN_FLIGHT_PER_SHARD);
        ParleyConfig.Connector settings = config.connector();
        while (running) {
            try {
                inFlight.acquire(10);
                inFlight.release(10);
                List<ReceivedMessage> batch = queue.receive(address, 10, settings.pollWait(),
                        settings.visibilityTimeout());
                for (ReceivedMessage entry : batch) {
                    inFlight.acquire();
                    dispatch(entry, inFlight);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf(e, "Polling shard %d failed; retrying", shard);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private void dispatch(ReceivedMessage entry, Semaphore inFlight) {
        String deviceId = entry.message() == null ? "" : entry.message().deviceId();
        ExecutorService worker = workers.computeIfAbsent(deviceId,
                id -> Executors.newSingleThreadExecutor(Thread.ofVirtual().name("device-" + id).factory()));
        worker.submit(() -> {
            try {
                handle(entry);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Handling an entry of device=%s failed; it returns after its visibility timeout",
                        deviceId);
            } finally {
                inFlight.release();
            }
        });
    }

    private void handle(ReceivedMessage entry) {
        if (entry.message() == null) {
            sender.process(entry);
            return;
        }
        String deviceId = entry.message().deviceId();
        if (!devices.containsKey(deviceId)) {
            Device device = directory.find(deviceId);
            if (device == null) {
                sender.failUnsent(entry, "The device was deleted before the message was sent");
                return;
            }
            // Created since the last refresh: its session starts with the next one.
            queue.retryAfter(entry, config.connector().deviceRefresh());
            return;
        }
        if (statuses.get(deviceId) != DeviceStatus.online) {
            queue.retryAfter(entry, config.connector().offlineRecheck());
            return;
        }
        sender.process(entry);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
