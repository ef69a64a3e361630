package dev.parley.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Closed-loop load: a fixed number of threads each repeating one operation for a fixed time. */
final class Load {

    /** One operation, given its sequence number; returns how many messages it carried. */
    interface Operation {
        int run(long i) throws Exception;
    }

    /** Messages done, over how long. */
    record Outcome(long messages, Duration elapsed) {
        double perSecond() {
            return messages * 1000.0 / Math.max(1, elapsed.toMillis());
        }
    }

    private Load() {
    }

    static Outcome closedLoop(int threads, Duration duration, Operation operation) throws InterruptedException {
        return closedLoop(threads, duration, operation, null);
    }

    /** As above, a thread ending early when its operation throws {@code stop} (e.g. when there is no more work). */
    static Outcome closedLoop(int threads, Duration duration, Operation operation, Class<? extends Throwable> stop)
            throws InterruptedException {
        AtomicLong sequence = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().name("load-" + t).start(() -> {
                while (System.nanoTime() < end && failure.get() == null) {
                    try {
                        messages.addAndGet(operation.run(sequence.getAndIncrement()));
                    } catch (Throwable e) {
                        if (stop != null && stop.isInstance(e)) {
                            return;
                        }
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("load failed: " + failure.get().getMessage(), failure.get());
        }
        return new Outcome(messages.get(), Duration.ofNanos(System.nanoTime() - start));
    }
}
