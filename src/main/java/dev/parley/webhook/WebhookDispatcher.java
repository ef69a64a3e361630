package dev.parley.webhook;

import dev.parley.common.OutageLog;

import dev.parley.event.EventOutbox;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers the events outbox to webhook endpoints (the jobs role): schedules a {@link DeliveryTurn} per due
 * endpoint, each on a virtual thread of its own, at most {@code max-concurrent} at once and one per endpoint.
 *
 * <p>In a long-running process {@link #start()} wakes the dispatcher on every append to the outbox and sweeps
 * on a timer for retries and events appended by other processes. A cron or Lambda calls {@link #run()}.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    // Store failures of the loop and of the turns, logged when they start and when they end.
    private final OutageLog sweeping = new OutageLog("The webhook sweep", LOG);
    private final OutageLog delivering = new OutageLog("Webhook delivery turns", LOG);

    /** Most due endpoints one sweep starts. */
    private static final int SWEEP_LIMIT = 1000;

    private final EventOutbox outbox;
    private final EndpointLeases leases;
    private final DeliveryTurn turns;
    private final Clock clock;
    private final Duration sweepEvery;
    private final Duration settle;

    /** Turns requested per endpoint; a turn runs while its count is above zero, so no wake-up is lost. */
    private final Map<String, AtomicInteger> requested = new ConcurrentHashMap<>();
    private final Semaphore slots;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("webhook-", 0).factory());
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private volatile Thread loop;

    WebhookDispatcher(EventOutbox outbox, EndpointLeases leases, DeliveryTurn turns, Clock clock,
                      WebhooksConfig config) {
        this.outbox = outbox;
        this.leases = leases;
        this.turns = turns;
        this.clock = clock;
        this.sweepEvery = config.sweepEvery();
        this.settle = config.settle();
        this.slots = new Semaphore(Math.max(1, config.maxConcurrent()));
    }

    /** Starts the wake-up loop: on every outbox append in this process, and every sweep period. */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        outbox.onAppend(this::wake);
        // Assigned before it starts: the loop runs for as long as it is the current loop.
        loop = Thread.ofVirtual().name("webhook-dispatcher").unstarted(this::loop);
        loop.start();
        LOG.infof("Webhook dispatcher started (sweep every %s, settle %s)", sweepEvery, settle);
    }

    /** Stops the loop and abandons turns in flight; their leases expire and another process takes over. */
    public synchronized void stop() {
        Thread running = loop;
        loop = null;
        if (running != null) {
            running.interrupt();
        }
        workers.shutdownNow();
    }

    /** Asks for a sweep soon (after the settle time); cheap and safe to call from any thread. */
    public void wake() {
        wakeUps.offer(Boolean.TRUE);
    }

    /**
     * One sweep for a cron or Lambda: delivers every due endpoint until it has nothing left or fails, and
     * waits for that. Answers the number of batches delivered.
     */
    public int run() {
        int delivered = 0;
        for (Future<Integer> turn : sweep()) {
            try {
                delivered += turn.get();
            } catch (ExecutionException e) {
                LOG.warn("A webhook delivery turn failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return delivered;
    }

    private void loop() {
        while (loop == Thread.currentThread()) {
            try {
                if (wakeUps.poll(sweepEvery.toMillis(), TimeUnit.MILLISECONDS) != null) {
                    // The event that woke us is stamped before it was written: give it time to become
                    // readable (the same settle time the batches wait for).
                    Thread.sleep(settle.toMillis());
                }
                sweep();
                sweeping.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                if (loop != Thread.currentThread()) {
                    return; // stopped mid-sweep: the interrupted store call is no failure worth a warning
                }
                sweeping.failed(e);
            }
        }
    }

    /** Starts a turn for every due endpoint; an endpoint mid-turn gets another turn right after. */
    private List<Future<Integer>> sweep() {
        List<String> due = leases.dueIds(clock.instant(), SWEEP_LIMIT);
        List<Future<Integer>> started = new ArrayList<>();
        LOG.debugf("Webhook sweep: %d endpoint(s) due", due.size());
        for (String id : due) {
            AtomicInteger requests = requested.computeIfAbsent(id, k -> new AtomicInteger());
            if (requests.getAndIncrement() == 0) {
                try {
                    started.add(workers.submit(() -> turn(id, requests)));
                } catch (RejectedExecutionException e) {
                    requests.set(0);
                    break;
                }
            }
        }
        return started;
    }

    /** Runs the endpoint's turn again for as long as more turns were requested while it ran. */
    private int turn(String id, AtomicInteger requests) throws InterruptedException {
        int delivered = 0;
        slots.acquire();
        try {
            int handled;
            do {
                handled = requests.get();
                delivered += turns.deliverAll(id);
            } while (requests.addAndGet(-handled) > 0);
            delivering.succeeded();
        } catch (RuntimeException | Error e) {
            // The next sweep starts a new turn; the lease, if one was held, has been released or expires.
            requests.set(0);
            delivering.failed(e);
        } finally {
            slots.release();
        }
        return delivered;
    }
}
