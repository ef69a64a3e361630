package dev.parley.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.common.Ids;
import dev.parley.config.ParleyConfig;
import dev.parley.event.Event;
import dev.parley.event.EventOutbox;
import dev.parley.notify.OwnerNotifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Delivers the events outbox to webhook endpoints (the jobs role).
 *
 * <p>Each active endpoint has a cursor into its account's event stream. A delivery turn, on a virtual thread
 * of its own, takes the endpoint's lease in PostgreSQL (one batch in flight per endpoint, across processes),
 * reads the settled events after the cursor, keeps those the endpoint subscribes to, POSTs up to
 * {@code batchSize} of them as {@code {"events": [...]}}, and on a 2xx moves the cursor past them; it repeats
 * until nothing is left. A failed attempt (after the {@link WebhookRetryPolicy}'s immediate retries) counts
 * one consecutive failure and backs the endpoint off; enough of them disable it and email its owner once.
 *
 * <p>In a long-running process {@link #start()} wakes the dispatcher on every append to the outbox and sweeps
 * on a timer for retries and events appended by other processes. A cron or Lambda calls {@link #run()}.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    /** Events read from the outbox per query while looking for an endpoint's next batch. */
    private static final int SCAN_PAGE = 200;
    /** Most events looked at for one batch: an endpoint whose filters skip a long run advances in steps. */
    private static final int SCAN_MAX = 1000;
    /** Most due endpoints one sweep starts. */
    private static final int SWEEP_LIMIT = 1000;
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

    private final WebhookRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final EventOutbox outbox;
    private final WebhookSender sender;
    private final OwnerNotifier notifier;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Vertx vertx;
    private final ParleyConfig.Webhooks config;
    private final Duration retention;
    private final WebhookRetryPolicy policy;
    private final TypedGuard<AttemptResult> guard;
    private final Duration lease;
    /** Identifies this process's leases. */
    private final String owner = "dispatcher-" + UUID.randomUUID();

    /** Turns requested per endpoint; a turn runs while its count is above zero, so no wake-up is lost. */
    private final Map<String, AtomicInteger> requested = new ConcurrentHashMap<>();
    private final Semaphore slots;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("webhook-", 0).factory());
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private volatile Thread loop;

    public WebhookDispatcher(WebhookRepository endpoints, WebhookDeliveryRepository deliveries, EventOutbox outbox,
                             WebhookSender sender, OwnerNotifier notifier, ObjectMapper json, Clock clock,
                             MeterRegistry metrics, Vertx vertx, ParleyConfig config) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.outbox = outbox;
        this.sender = sender;
        this.notifier = notifier;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.vertx = vertx;
        this.config = config.webhooks();
        this.retention = outbox.retention();
        this.policy = WebhookRetryPolicy.of(this.config);
        this.guard = policy.guard(AttemptResult.class, e -> e instanceof AttemptFailed);
        this.lease = policy.attemptBudget().multipliedBy(2).plusSeconds(30);
        this.slots = new Semaphore(Math.max(1, this.config.maxConcurrent()));
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
        LOG.infof("Webhook dispatcher started (sweep every %s, settle %s)", config.sweepEvery(), config.settle());
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
                if (wakeUps.poll(config.sweepEvery().toMillis(), TimeUnit.MILLISECONDS) != null) {
                    // The event that woke us is stamped before it was written: give it time to become
                    // readable (the same settle time the batches wait for).
                    Thread.sleep(config.settle().toMillis());
                }
                sweep();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.warnf(e, "Webhook sweep failed; the next one retries");
            }
        }
    }

    /** Starts a turn for every due endpoint; an endpoint mid-turn gets another turn right after. */
    private List<Future<Integer>> sweep() {
        Instant now = clock.instant();
        List<String> due = await(() -> Panache.withSession(() -> endpoints.dueIds(now, SWEEP_LIMIT)));
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

    private int turn(String id, AtomicInteger requests) throws InterruptedException {
        int delivered = 0;
        slots.acquire();
        try {
            int handled;
            do {
                handled = requests.get();
                delivered += deliverAll(id);
            } while (requests.addAndGet(-handled) > 0);
        } catch (RuntimeException | Error e) {
            // The next sweep starts a new turn; the lease, if one was held, has been released or expires.
            requests.set(0);
            LOG.warnf(e, "Webhook delivery turn of webhook=%s failed", id);
        } finally {
            slots.release();
        }
        return delivered;
    }

    /** Delivers batches to one endpoint until none is left, one fails, or another process holds it. */
    private int deliverAll(String id) {
        int delivered = 0;
        while (true) {
            Instant now = clock.instant();
            Claimed endpoint = claim(id, now);
            if (endpoint == null) {
                return delivered;
            }
            try {
                Batch batch = nextBatch(endpoint, now);
                if (batch.events().isEmpty()) {
                    await(() -> Panache.withTransaction(() -> endpoints.release(id, owner, batch.position())));
                    return delivered;
                }
                AttemptResult result = deliver(endpoint, batch.events());
                if (!result.delivered()) {
                    recordFailure(endpoint, result);
                    return delivered;
                }
                Instant done = clock.instant();
                await(() -> Panache.withTransaction(() -> endpoints.recordSuccess(id, owner, batch.position(), done)));
                delivered++;
            } catch (RuntimeException e) {
                await(() -> Panache.withTransaction(() -> endpoints.release(id, owner, endpoint.cursor())));
                throw e;
            }
        }
    }

    /** An endpoint while this process holds its lease. */
    private record Claimed(String id, String accountId, String name, String url, Set<String> types, String device,
                           String secret, int batchSize, String cursor, int consecutiveFailures) {

        boolean wants(Event event) {
            return types.contains(event.type()) && (device == null || device.equals(event.device()));
        }
    }

    /** Events to send, and the stream position to move the cursor to once they are delivered. */
    private record Batch(List<Event> events, String position) {
    }

    private Claimed claim(String id, Instant now) {
        return await(() -> Panache.withTransaction(() -> endpoints.claim(id, owner, now, now.plus(lease))
                .flatMap(taken -> taken == 0 ? Uni.createFrom().nullItem() : endpoints.findById(id))
                .map(e -> e == null ? null : new Claimed(e.id, e.accountId, e.name, e.url, e.eventTypes(),
                        e.deviceId, e.secret, e.batchSize, e.cursor, e.consecutiveFailures))));
    }

    /**
     * The next batch: settled events after the cursor that the endpoint wants. Filtering happens here, not in
     * the outbox query, so the cursor also moves past events nobody asked for (a filtered query that finds
     * none would leave the cursor where it is, and the endpoint stuck behind a long run of other events).
     */
    private Batch nextBatch(Claimed endpoint, Instant now) {
        Instant until = now.minus(config.settle());
        List<Event> picked = new ArrayList<>();
        String position = endpoint.cursor();
        if (position.compareTo(EventOutbox.key(until, "~")) > 0) {
            // The cursor is newer than anything settled (a webhook created a moment ago): nothing to read yet.
            return new Batch(picked, position);
        }
        int scanned = 0;
        while (picked.size() < endpoint.batchSize() && scanned < SCAN_MAX) {
            List<Event> page = outbox.after(endpoint.accountId(), position, until, null, null, SCAN_PAGE)
                    .await().atMost(STORE_TIMEOUT);
            for (Event event : page) {
                scanned++;
                position = event.key();
                if (endpoint.wants(event)) {
                    picked.add(event);
                    if (picked.size() == endpoint.batchSize()) {
                        break;
                    }
                }
            }
            if (page.size() < SCAN_PAGE) {
                break;
            }
        }
        return new Batch(picked, position);
    }

    /** One delivery attempt of a batch, with the policy's immediate retries; every request is logged. */
    private AttemptResult deliver(Claimed endpoint, List<Event> events) {
        byte[] body = body(events);
        URI url = URI.create(endpoint.url());
        String eventIds = String.join(",", events.stream().map(Event::id).toList());
        try {
            return guard.call(() -> {
                AttemptResult result = send(endpoint, url, body, eventIds);
                if (!result.delivered() && result.retryable()) {
                    throw new AttemptFailed(result);
                }
                return result;
            });
        } catch (AttemptFailed e) {
            return e.result;
        } catch (Exception e) {
            throw new IllegalStateException("Webhook delivery failed unexpectedly", e);
        }
    }

    private AttemptResult send(Claimed endpoint, URI url, byte[] body, String eventIds) {
        String deliveryId = Ids.newId(clock.instant());
        // Receivers compare the timestamp with their own clock, so it is wall-clock time.
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookHeaders.DELIVERY, deliveryId);
        headers.put(WebhookHeaders.WEBHOOK, endpoint.id());
        headers.put(WebhookHeaders.TIMESTAMP, Long.toString(timestamp));
        headers.put(WebhookHeaders.SIGNATURE, WebhookSigner.signature(endpoint.secret(), timestamp, body));
        Instant attemptedAt = clock.instant();
        AttemptResult result = sender.post(url, headers, body);
        metrics.counter("parley.webhooks.requests", "outcome", result.delivered() ? "delivered" : "failed").increment();
        metrics.timer("parley.webhooks.latency").record(Duration.ofMillis(result.latencyMillis()));
        if (!result.delivered()) {
            LOG.infof("Webhook request failed: webhook=%s account=%s delivery=%s: %s", endpoint.id(),
                    endpoint.accountId(), deliveryId, result.error());
        }
        log(endpoint.id(), deliveryId, attemptedAt, result, eventIds);
        return result;
    }

    private void log(String endpointId, String deliveryId, Instant attemptedAt, AttemptResult result, String eventIds) {
        WebhookDelivery entry = new WebhookDelivery();
        entry.id = deliveryId;
        entry.endpointId = endpointId;
        entry.attemptedAt = attemptedAt;
        entry.success = result.delivered();
        entry.statusCode = result.statusCode();
        entry.latencyMs = (int) Math.min(Integer.MAX_VALUE, result.latencyMillis());
        entry.eventIds = eventIds;
        entry.error = result.error();
        try {
            await(() -> Panache.withTransaction(() -> deliveries.persist(entry)
                    .flatMap(saved -> deliveries.prune(endpointId, config.logsKept()))));
        } catch (RuntimeException e) {
            // The log is for people; a delivery never fails because its log line could not be written.
            LOG.warnf("Could not log delivery=%s of webhook=%s: %s", deliveryId, endpointId, e.toString());
        }
    }

    private void recordFailure(Claimed endpoint, AttemptResult result) {
        int failures = endpoint.consecutiveFailures() + 1;
        Instant now = clock.instant();
        Instant next = now.plus(policy.backoffAfter(failures));
        boolean disabledNow = await(() -> Panache.withTransaction(() ->
                endpoints.recordFailure(endpoint.id(), owner, failures, now, next).flatMap(updated ->
                        updated == 1 && policy.disables(failures)
                                ? endpoints.disable(endpoint.id(), now).map(n -> n == 1)
                                : Uni.createFrom().item(false))));
        if (disabledNow) {
            LOG.warnf("Webhook disabled after %d consecutive failed attempts: webhook=%s account=%s", failures,
                    endpoint.id(), endpoint.accountId());
            notifyOwner(endpoint, failures, now, result);
        }
    }

    private void notifyOwner(Claimed endpoint, int failures, Instant at, AttemptResult last) {
        String subject = "Parley: webhook \"" + endpoint.name() + "\" disabled (" + endpoint.id() + ")";
        String text = """
                Your Parley webhook endpoint "%s" (id %s) was disabled at %s after %d delivery attempts in a row \
                failed.

                URL:        %s
                Last error: %s

                Nothing is lost: events keep being recorded and wait for the endpoint for up to %s. Once it \
                accepts requests again, re-enable it and the waiting events are delivered in order:

                    POST /v1/webhooks/%s/enable

                Recent delivery attempts: GET /v1/webhooks/%s/logs
                """.formatted(endpoint.name(), endpoint.id(), at, failures, endpoint.url(), last.error(),
                retention, endpoint.id(), endpoint.id());
        try {
            await(() -> notifier.email(endpoint.accountId(), subject, text));
        } catch (RuntimeException e) {
            LOG.warnf("Could not email the owner of account=%s that webhook=%s was disabled: %s",
                    endpoint.accountId(), endpoint.id(), e.toString());
        }
    }

    private byte[] body(List<Event> events) {
        try {
            return json.writeValueAsBytes(Map.of("events", events));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Events always serialize", e);
        }
    }

    /**
     * Runs a reactive store call on a fresh duplicated Vert.x context (what Hibernate Reactive needs) and waits
     * for it, at most {@code STORE_TIMEOUT}; only ever called from the dispatcher's own threads.
     */
    private <T> T await(Supplier<Uni<T>> call) {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            try {
                call.get().subscribe().with(result::complete, result::completeExceptionally);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("A store call took longer than " + STORE_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a store call", e);
        }
    }

    /** A request failed in a way worth retrying at once; carries its result through the retry guard. */
    private static final class AttemptFailed extends Exception {
        private final AttemptResult result;

        AttemptFailed(AttemptResult result) {
            super(result.error(), null, false, false);
            this.result = result;
        }
    }
}
