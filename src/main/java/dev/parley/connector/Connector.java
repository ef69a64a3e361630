package dev.parley.connector;

import dev.parley.common.OutageLog;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connector role: keeps a driver session for every device of the shards it owns ({@link DeviceSessions}),
 * consumes those shards' four priority queues ({@link ShardPollers}) and feeds each entry to its device's
 * {@link DeviceLane}, which sends in priority order at the plan's rate while the device is online; what the
 * network reports is handled by {@link DriverEvents}. This class owns the life cycle and the shards.
 *
 * <p>Which shards it owns changes while it runs: {@link ShardLeases} shares them among the live connectors
 * (ADR 0005). Gaining a shard starts its device sessions and pollers; losing or releasing one stops its
 * pollers, hands its lanes' entries back to the queues and ends its device sessions.
 */
@ApplicationScoped
public class Connector {

    private static final Logger LOG = Logger.getLogger(Connector.class);
    /** How many device refreshes pass between sweeps that release held messages of online devices. */
    private static final int RELEASE_SWEEP_EVERY = 15;
    /** How many device refreshes pass between marking every device as maybe holding messages (about an hour). */
    private static final int SUSPECT_ALL_HELD_EVERY = 1800;
    private static final Duration JOIN = Duration.ofSeconds(5);

    private final ConnectorServices services;
    private final ConnectorLeases leaseFactory;
    private final ConnectorConfig config;
    private final String name;
    private final DeviceLanes lanes;
    private final DeviceSessions sessions;
    private final ShardPollers pollers;
    private final DriverEvents events;
    private final OutageLog refreshing = new OutageLog("Refreshing the connector's devices", LOG);
    private final DeviceCommandRunner commands;

    /** Guards the owned shards, their pollers and the device sessions that follow from them. */
    private final ReentrantLock ownership = new ReentrantLock();
    private volatile Set<Integer> shards = Set.of();
    private volatile boolean running;
    private volatile String owner;
    private Thread refresher;
    private ShardLeases leases;

    @Inject
    Connector(ConnectorServices services, ConnectorLeases leases, ConnectorConfig config) {
        this(services, leases, config, config.name());
    }

    /** A connector named {@code name}; its lease owner id is the name plus a random suffix, new at every start. */
    Connector(ConnectorServices services, ConnectorLeases leases, ConnectorConfig config, String name) {
        this.services = services;
        this.leaseFactory = leases;
        this.config = config;
        this.name = name;
        ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
        this.lanes = new DeviceLanes(services.sender(), services.queue(), services.held(), services.clock(), config);
        this.sessions = new DeviceSessions(services.driver(), services.directory(), services.held(), lanes, background);
        StrayEntries strays = new StrayEntries(services.directory(), services.sender(), services.queue(),
                config.deviceRefresh(), background);
        this.pollers = new ShardPollers(services.queue(), config, sessions, lanes, strays,
                shard -> running && shards.contains(shard));
        this.events = new DriverEvents(sessions, lanes, services.recorder(), background);
        this.commands = new DeviceCommandRunner(services, sessions, () -> shards, config.commandPoll(), background);
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
        services.driver().start(events);
        if (config.leases()) {
            leases = leaseFactory.open(owner, new ShardLeases.Listener() {
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
            for (int shard = 0; shard < leaseFactory.shards(); shard++) {
                own(shard);
            }
        }
        refresher = Thread.ofVirtual().name("connector-devices").start(this::refreshLoop);
        commands.start();
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
        commands.stop();
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
        sessions.disconnectAll();
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

    /** Whether renewing this connector's shard leases is failing now (so it may lose its shards). */
    public boolean leasesFailing() {
        ShardLeases current = leases;
        return current != null && current.renewalFailing();
    }

    /** This run's lease owner id (name plus a random suffix), or null before the first start. */
    public String owner() {
        return owner;
    }

    /** Entries waiting in a device's lane; for monitoring and tests. */
    public int waiting(String deviceId) {
        return lanes.waiting(deviceId);
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
                sessions.reconcile(shards);
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf(e, "Loading the devices of shard=%d failed; the next refresh retries", shard);
                }
            }
            pollers.start(shard);
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
            pollers.stop(shard);
            sessions.forgetShard(shard, handOver);
        } finally {
            ownership.unlock();
        }
        LOG.infof("Connector owner=%s gave up shard=%d", owner, shard);
    }

    private void refreshLoop() {
        int round = 0;
        while (running) {
            try {
                Thread.sleep(config.deviceRefresh());
                ownership.lock();
                try {
                    sessions.reconcile(shards);
                } finally {
                    ownership.unlock();
                }
                if (++round % SUSPECT_ALL_HELD_EVERY == 0) {
                    sessions.suspectAllHeld();
                }
                if (round % RELEASE_SWEEP_EVERY == 0) {
                    sessions.releaseHeldOfOnlineDevices();
                }
                refreshing.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                refreshing.failed(e);
            }
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(JOIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
