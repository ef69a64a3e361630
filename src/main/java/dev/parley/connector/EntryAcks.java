package dev.parley.connector;

import dev.parley.queue.OutboundQueue;
import dev.parley.queue.ReceivedMessage;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Acknowledges handled queue entries in batches: an entry whose outcome is recorded is deleted within the
 * {@code ack-linger} window together with the others handled meanwhile, ten to an SQS call, rather than one call
 * each. Late is safe: until its delete, an entry stays hidden for its visibility timeout, and one that comes back
 * anyway (its delete failed, or the process died first) finds its record final and is dropped (ADR 0008).
 */
@ApplicationScoped
public class EntryAcks {

    private static final Logger LOG = Logger.getLogger(EntryAcks.class);
    /** Most entries one flush deletes: ten calls side by side. */
    private static final int MOST_PER_FLUSH = 10 * OutboundQueue.MAX_BATCH;

    private final OutboundQueue queue;
    private final long lingerNanos;
    private final LinkedBlockingQueue<ReceivedMessage> pending = new LinkedBlockingQueue<>();
    private Thread flusher;
    private volatile boolean closed;

    @Inject
    public EntryAcks(OutboundQueue queue, ConnectorConfig config) {
        this(queue, config.ackLinger());
    }

    EntryAcks(OutboundQueue queue, Duration linger) {
        this.queue = queue;
        this.lingerNanos = linger.toNanos();
    }

    /** Acknowledges an entry whose outcome is recorded: soon, with others. Never blocks. */
    public void ack(ReceivedMessage entry) {
        if (lingerNanos <= 0 || closed) {
            flush(List.of(entry));
            return;
        }
        pending.add(entry);
        startFlusher();
    }

    private synchronized void startFlusher() {
        if (flusher == null && !closed) {
            flusher = Thread.ofVirtual().name("entry-acks").start(this::run);
        }
    }

    private void run() {
        try {
            while (!closed) {
                ReceivedMessage first = pending.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                List<ReceivedMessage> batch = new ArrayList<>();
                batch.add(first);
                long until = System.nanoTime() + lingerNanos;
                long left;
                while (batch.size() < MOST_PER_FLUSH && (left = until - System.nanoTime()) > 0) {
                    ReceivedMessage next = pending.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                flush(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: what is left is flushed by close()
        }
    }

    private void flush(List<ReceivedMessage> batch) {
        try {
            List<ReceivedMessage> failed = queue.delete(batch);
            if (!failed.isEmpty()) {
                LOG.debugf("%d of %d handled entries were not acknowledged; they come back and are dropped",
                        failed.size(), batch.size());
            }
        } catch (RuntimeException e) {
            LOG.warnf("%d handled entries were not acknowledged (%s); they come back and are dropped", batch.size(),
                    e.toString());
        }
    }

    /** Deletes what is still pending, so a graceful stop leaves nothing to come back. */
    @PreDestroy
    void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = flusher;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ReceivedMessage> rest = new ArrayList<>();
        pending.drainTo(rest);
        for (int from = 0; from < rest.size(); from += MOST_PER_FLUSH) {
            flush(rest.subList(from, Math.min(rest.size(), from + MOST_PER_FLUSH)));
        }
    }
}
