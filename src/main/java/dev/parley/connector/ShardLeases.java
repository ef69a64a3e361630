package dev.parley.connector;

import dev.parley.common.OutageLog;

import com.amazonaws.services.dynamodbv2.AcquireLockOptions;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClientOptions;
import com.amazonaws.services.dynamodbv2.LockItem;
import com.amazonaws.services.dynamodbv2.model.LockCurrentlyUnavailableException;
import com.amazonaws.services.dynamodbv2.model.LockNotGrantedException;
import dev.parley.aws.DynamoTables;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shards one connector owns, held as leases {@code shard-<n>} in the leases table through AWS's DynamoDB lock
 * client, and balanced so that each of {@code k} live connectors holds about {@code shards / k} (ADR 0005).
 *
 * <p>Each connector registers a membership lease {@code member-<owner>} and renews it, with its shard leases, every
 * heartbeat period. A lease whose record version has not changed for a whole lease duration, as seen by the reader
 * (the lock client never compares clocks of different hosts), may be taken over. Once per heartbeat period the
 * balancer:
 * <ol>
 *   <li>reads the table, and tries every other member's lease: one that lapsed is taken over and deleted, its
 *       connector is dead; the others are live;</li>
 *   <li>computes each live member's share from the sorted owner ids: {@code shards / k} each and one more for the
 *       first {@code shards % k}, so shares add up to the shard count and differ by at most one;</li>
 *   <li>tries free shards while it holds fewer than its share, and stands by for the shards of every other member
 *       whose share it would inherit if that member died (it holds fewer than its share without it). Trying a live
 *       lease costs one read and never succeeds; trying a lapsed one takes it;</li>
 *   <li>releases the shards above its share, highest first, after handing their work back. The lease item is
 *       deleted, so a connector below its share takes it on its next round.</li>
 * </ol>
 *
 * <p><b>Takeover bound.</b> A standby connector reads a dead owner's leases every heartbeat period, so it sees the
 * last heartbeat's version at most one period after it was written, waits one lease duration from that sighting and
 * takes the lease at its next try: a dead connector's shards are taken over within
 * {@code leaseDuration + 2 × heartbeat} of its last heartbeat (30 s with the defaults), plus the time of the reads.
 * A graceful {@link #stop(boolean) stop} deletes every lease at once; others take them within one heartbeat period.
 *
 * <p>Leases decide who works on a shard, not whether a message is sent: around a takeover two connectors may
 * briefly poll the same queue, and the record's conditional claim still lets only one of them send.
 */
public final class ShardLeases {

    /** What the owning connector does as shards come and go; called from the balancer's thread, one at a time. */
    public interface Listener {

        /** This connector now holds the shard's lease: start its work. */
        void gained(int shard);

        /** The lease was lost, or is about to be released: stop the shard's work and hand its entries back. */
        void lost(int shard);
    }

    static final String SHARD = "shard-";
    static final String MEMBER = "member-";

    private static final Logger LOG = Logger.getLogger(ShardLeases.class);
    /** Renewal failures as one outage, logged when it starts and when it ends rather than every heartbeat. */
    private final OutageLog renewing = new OutageLog("Renewing the shard leases", LOG);
    private static final Duration JOIN = Duration.ofSeconds(10);
    /** Put in {@link #lost} to wake the balancer for stopping: never interrupt a thread that may be mid-request. */
    private static final int WAKE = -1;

    private final AmazonDynamoDBLockClient locks;
    private final String owner;
    private final int shardCount;
    private final Duration heartbeat;
    private final Listener listener;
    private final Map<Integer, LockItem> held = new ConcurrentHashMap<>();
    private final AtomicReference<LockItem> membership = new AtomicReference<>();
    /** Shards whose lease the heartbeat found lost, for the balancer to hand back. */
    private final BlockingQueue<Integer> lost = new LinkedBlockingQueue<>();
    private final CountDownLatch halted = new CountDownLatch(1);
    private volatile boolean running;
    private Thread balancer;
    private Thread heartbeater;

    /**
     * @param table         the leases table, partition key {@link DynamoTables#LEASE_KEY}
     * @param owner         this connector's owner id; must be new at every start, so a restarted connector never
     *                      mistakes a dead predecessor's leases for its own
     * @param leaseDuration at least twice {@code heartbeat}
     */
    public ShardLeases(DynamoDbClient dynamo, String table, int shards, Duration leaseDuration, Duration heartbeat,
                       String owner, Listener listener) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
        if (heartbeat.isZero() || heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
        }
        if (leaseDuration.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("lease-duration " + leaseDuration
                    + " must be at least twice the heartbeat " + heartbeat);
        }
        this.owner = owner;
        this.shardCount = shards;
        this.heartbeat = heartbeat;
        this.listener = listener;
        this.locks = new AmazonDynamoDBLockClient(AmazonDynamoDBLockClientOptions.builder(dynamo, table)
                .withPartitionKeyName(DynamoTables.LEASE_KEY)
                .withOwnerName(owner)
                .withLeaseDuration(leaseDuration.toMillis())
                .withHeartbeatPeriod(heartbeat.toMillis())
                .withTimeUnit(TimeUnit.MILLISECONDS)
                // Our own heartbeat thread: the library's stops only by releasing every lock, and a crash must not.
                .withCreateHeartbeatBackgroundThread(false)
                .build());
    }

    public String owner() {
        return owner;
    }

    /** The shards whose lease this connector holds now. */
    /** Whether renewing the leases is failing now, so that they may lapse. */
    public boolean renewalFailing() {
        return renewing.failing();
    }

    public SortedSet<Integer> held() {
        return new TreeSet<>(held.keySet());
    }

    /**
     * Registers this connector and takes its first shards before returning, then keeps renewing and balancing.
     * Runs once: a connector that starts again needs new leases under a new owner id.
     */
    public synchronized void start() {
        if (running || halted.getCount() == 0) {
            return;
        }
        running = true;
        heartbeater = Thread.ofPlatform().daemon().name("lease-heartbeat-" + owner).start(this::heartbeatLoop);
        try {
            round();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf(e, "First lease round of owner=%s failed; retrying", owner);
        }
        balancer = Thread.ofVirtual().name("lease-balancer-" + owner).start(this::balanceLoop);
    }

    /**
     * Stops renewing and balancing. With {@code release}, every shard's work is handed back and its lease deleted
     * at once, then the membership; without, nothing is released and the leases lapse, exactly as after a crash.
     */
    public synchronized void stop(boolean release) {
        if (!running) {
            return;
        }
        // No interrupts: a virtual thread interrupted in the middle of a request closes its socket under it.
        running = false;
        halted.countDown();
        lost.add(WAKE);
        join(balancer);
        if (release) {
            for (Integer shard; (shard = lost.poll()) != null; ) {
                handBack(shard);
            }
            for (int shard : held().reversed()) {
                release(shard);
            }
        }
        join(heartbeater);
        LockItem member = membership.getAndSet(null);
        if (release && member != null) {
            releaseQuietly(member);
        }
        held.clear();
        lost.clear();
        LOG.infof("Leases of owner=%s %s", owner, release ? "released" : "abandoned");
    }

    /** The share of {@code member} among {@code live} members: shards / k, one more for the first shards % k. */
    static int share(int shards, String member, Collection<String> live) {
        List<String> sorted = live.stream().distinct().sorted().toList();
        int index = sorted.indexOf(member);
        if (index < 0) {
            return 0;
        }
        int k = sorted.size();
        return shards / k + (index < shards % k ? 1 : 0);
    }

    private void balanceLoop() {
        while (running) {
            try {
                // Sleeps one period, or wakes at once when the heartbeat lost a lease.
                Integer shard = lost.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (!running) {
                    return;
                }
                if (shard != null) {
                    handBack(shard);
                }
                round();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                renewing.failed(e);
            }
        }
    }

    private void round() throws InterruptedException {
        for (Integer shard; (shard = lost.poll()) != null; ) {
            handBack(shard);
        }
        if (membership.get() == null) {
            tryAcquire(MEMBER + owner).ifPresent(membership::set);
        }

        Set<String> members = new HashSet<>();
        Map<Integer, String> owners = new HashMap<>();
        for (LockItem item : (Iterable<LockItem>) locks.getAllLocksFromDynamoDB(false)::iterator) {
            // An item just read reads expired only when it was released instead of deleted: it is free.
            if (item.isExpired()) {
                continue;
            }
            String key = item.getPartitionKey();
            if (key.startsWith(MEMBER)) {
                String member = key.substring(MEMBER.length());
                if (!member.equals(owner)) {
                    members.add(member);
                }
            } else if (key.startsWith(SHARD)) {
                Integer shard = shardOf(key);
                if (shard != null) {
                    owners.put(shard, item.getOwnerName());
                }
            }
        }

        Set<String> live = new HashSet<>();
        live.add(owner);
        for (String member : members) {
            Optional<LockItem> lapsed = tryAcquire(MEMBER + member);
            if (lapsed.isPresent()) {
                // Deleting it keeps the table small; a connector that was only paused registers again.
                LOG.infof("Connector owner=%s is dead: its membership lease lapsed", member);
                releaseQuietly(lapsed.get());
            } else {
                live.add(member);
            }
        }

        int share = share(shardCount, owner, live);
        int wanted = share - held.size();
        Map<String, Boolean> standby = new HashMap<>();
        Set<Integer> gained = new HashSet<>();
        for (int shard = 0; shard < shardCount; shard++) {
            if (held.containsKey(shard) || lost.contains(shard)) {
                continue;
            }
            String current = owners.get(shard);
            if (current == null || current.equals(owner) || !live.contains(current)) {
                // Free, ours but lapsed, or its owner is dead: the lock client takes it once it has lapsed.
                if (wanted > 0 && take(shard)) {
                    wanted--;
                    gained.add(shard);
                }
            } else if (standby.computeIfAbsent(current, o -> held.size() < share(shardCount, owner, without(live, o)))
                    && take(shard)) {
                LOG.infof("Took over shard=%d from owner=%s", shard, current);
                gained.add(shard);
            }
        }

        // Shards gained this round stay at least until the next: their old owner's membership may lapse only then.
        List<Integer> mine = new ArrayList<>(held.keySet());
        mine.removeAll(gained);
        mine.sort(Comparator.reverseOrder());
        int extra = held.size() - share;
        for (int i = 0; i < extra && i < mine.size(); i++) {
            release(mine.get(i));
        }
    }

    private boolean take(int shard) throws InterruptedException {
        if (!running) {
            return false;
        }
        Optional<LockItem> lease = tryAcquire(SHARD + shard);
        if (lease.isEmpty()) {
            return false;
        }
        held.put(shard, lease.get());
        LOG.infof("Owner=%s gained shard=%d", owner, shard);
        try {
            listener.gained(shard);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Starting shard=%d failed", shard);
        }
        return true;
    }

    /** Hands the shard's work back while its lease is still renewed, then deletes the lease. */
    private void release(int shard) {
        if (!held.containsKey(shard)) {
            return;
        }
        handBack(shard);
        LockItem lease = held.remove(shard);
        if (lease != null) {
            releaseQuietly(lease);
            LOG.infof("Owner=%s released shard=%d", owner, shard);
        }
    }

    private void handBack(int shard) {
        if (shard == WAKE) {
            return;
        }
        try {
            listener.lost(shard);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Stopping shard=%d failed", shard);
        }
    }

    /**
     * One look at a lease, never a wait: free or released leases are taken at once; a held one is taken only when
     * its version is the one the client saw (and remembered) at least a lease duration ago.
     */
    private Optional<LockItem> tryAcquire(String key) throws InterruptedException {
        try {
            return locks.tryAcquireLock(AcquireLockOptions.builder(key)
                    .withShouldSkipBlockingWait(true)
                    .withDeleteLockOnRelease(true)
                    .withAdditionalTimeToWaitForLock(0L)
                    .withRefreshPeriod(0L)
                    .withTimeUnit(TimeUnit.MILLISECONDS)
                    .build());
        } catch (LockCurrentlyUnavailableException e) {
            return Optional.empty();
        }
    }

    private void releaseQuietly(LockItem lease) {
        try {
            locks.releaseLock(lease);
        } catch (RuntimeException e) {
            LOG.warnf("Could not release lease %s; it lapses on its own: %s", lease.getPartitionKey(), e.getMessage());
        }
    }

    private void heartbeatLoop() {
        while (running) {
            long started = System.nanoTime();
            RuntimeException failure = null;
            LockItem member = membership.get();
            if (member != null) {
                try {
                    locks.sendHeartbeat(member);
                } catch (LockNotGrantedException e) {
                    membership.compareAndSet(member, null);
                    LOG.warnf("Membership lease of owner=%s lapsed; registering again", owner);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            for (Map.Entry<Integer, LockItem> lease : held.entrySet()) {
                try {
                    locks.sendHeartbeat(lease.getValue());
                } catch (LockNotGrantedException e) {
                    if (held.remove(lease.getKey(), lease.getValue())) {
                        LOG.warnf("Owner=%s lost the lease of shard=%d", owner, lease.getKey());
                        lost.add(lease.getKey());
                    }
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                renewing.failed(failure);
            } else {
                renewing.succeeded();
            }
            long left = heartbeat.toNanos() - (System.nanoTime() - started);
            try {
                if (halted.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Integer shardOf(String key) {
        try {
            int shard = Integer.parseInt(key.substring(SHARD.length()));
            return shard >= 0 && shard < shardCount ? shard : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Set<String> without(Set<String> live, String member) {
        Set<String> rest = new HashSet<>(live);
        rest.remove(member);
        return rest;
    }

    private static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(JOIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
