package dev.parley.queue;

/**
 * An entry taken from an outbound queue. It stays invisible to other consumers for a while and MUST be
 * acknowledged (deleted) once its outcome is recorded, or it comes back.
 *
 * @param message      the entry's body, null when it could not be read
 * @param receiveCount how many times the queue has handed this entry out, this time included
 * @param receivedNanos when this process received it, on {@link System#nanoTime()}'s scale
 */
public record ReceivedMessage(QueueAddress queue, QueuedMessage message, String receipt, int receiveCount,
                              long receivedNanos) {
}
