package dev.parley.connector;

import dev.parley.queue.ReceivedMessage;
import org.jboss.logging.Logger;

import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Moves entries that lanes cannot keep (overflow of a full lane, waiting entries of a device gone offline) into
 * the held index, for every lane of a connector, off the lanes' own threads: a lane keeps sending while a flood of
 * overflow is held. A bounded number of holds run at once, first come first served, so a flood neither starves
 * the stores nor lets entries wait behind one another longer than needed.
 */
final class OverflowHolder {

    private static final Logger LOG = Logger.getLogger(OverflowHolder.class);

    private final HeldMessages held;
    private final Semaphore slots;

    OverflowHolder(HeldMessages held, int concurrency) {
        this.held = held;
        this.slots = new Semaphore(concurrency, true);
    }

    /**
     * Holds {@code entry} as soon as a slot is free and then tells {@code done} whether it landed: an entry whose
     * hold failed stays in SQS and comes back when its visibility lapses.
     */
    void hold(ReceivedMessage entry, Consumer<Boolean> done) {
        // Marked before the wait for a slot: a lane started meanwhile reads the held index before sending.
        held.holding(entry.message().deviceId());
        Thread.ofVirtual().name("hold-" + entry.message().messageId()).start(() -> {
            boolean landed = false;
            try {
                slots.acquire();
                try {
                    held.hold(entry);
                    landed = true;
                } finally {
                    slots.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debugf("Holding message=%s failed; it comes back from SQS: %s", entry.message().messageId(),
                        e.getMessage());
            } finally {
                done.accept(landed);
            }
        });
    }
}
