package dev.parley.common;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one way Parley's worker threads (connector lanes, pollers, jobs) wait for asynchronous work:
 * always with a timeout, so a hung store call surfaces as a failure instead of a stuck thread.
 * Never call it on an event-loop thread; Quarkus's blocking detection rejects that.
 */
public final class Blocking {

    /** Long enough for any single store round trip under load; short enough that a hang is noticed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Blocking() {
    }

    /** Waits for {@code work} for at most {@link #DEFAULT_TIMEOUT}. */
    public static <T> T await(Uni<T> work) {
        return await(work, DEFAULT_TIMEOUT);
    }

    /** Waits for {@code work} for at most {@code timeout}; a timeout fails with {@link BlockingTimeoutException}. */
    public static <T> T await(Uni<T> work, Duration timeout) {
        try {
            return work.await().atMost(timeout);
        } catch (io.smallrye.mutiny.TimeoutException e) {
            throw new BlockingTimeoutException(timeout);
        }
    }

    /** Waits for a future (AWS SDK async clients) for at most {@link #DEFAULT_TIMEOUT}. */
    public static <T> T await(CompletableFuture<T> work) {
        return await(work, DEFAULT_TIMEOUT);
    }

    /** Waits for a future for at most {@code timeout}, unwrapping its failure. */
    public static <T> T await(CompletableFuture<T> work, Duration timeout) {
        try {
            return work.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            work.cancel(true);
            throw new BlockingTimeoutException(timeout);
        } catch (ExecutionException | CompletionException e) {
            throw unchecked(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting", e);
        }
    }

    /**
     * Runs reactive work that needs a Vert.x context (Hibernate Reactive sessions) from a worker
     * thread and waits for it for at most {@link #DEFAULT_TIMEOUT}.
     */
    public static <T> T onContext(Supplier<Uni<T>> work) {
        return onContext(work, DEFAULT_TIMEOUT);
    }

    /** As {@link #onContext(Supplier)} with an explicit timeout. */
    public static <T> T onContext(Supplier<Uni<T>> work, Duration timeout) {
        try {
            return VertxContextSupport.subscribeAndAwait(
                    () -> work.get().ifNoItem().after(timeout).failWith(() -> new BlockingTimeoutException(timeout)));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Runs blocking work (a synchronous client such as stripe-java) on a worker thread and delivers its result back
     * on the caller's Vert.x context, so reactive work (Hibernate Reactive) can follow in the same pipeline. Off a
     * Vert.x context the work runs on the subscribing thread.
     */
    public static <T> Uni<T> offLoop(java.util.concurrent.Callable<T> work) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().item(() -> {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw unchecked(e);
                }
            });
        }
        return Uni.createFrom().emitter(emitter -> context.<T>executeBlocking(work, false, result -> {
            if (result.succeeded()) {
                emitter.complete(result.result());
            } else {
                emitter.fail(result.cause());
            }
        }));
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(t);
    }

    /** A blocking wait ran out of time. */
    public static final class BlockingTimeoutException extends RuntimeException {
        public BlockingTimeoutException(Duration timeout) {
            super("No answer within " + timeout.toMillis() + " ms");
        }
    }
}
