package dev.parley.queue;

/**
 * The body of an outbound queue entry: a pointer to the message record, which holds everything else,
 * plus its creation time in epoch milliseconds so a connector can order waiting entries without a read.
 *
 * @param released whether the entry was queued by a release of held messages, which a lane takes in even while
 *                 messages of its device are held (any other entry that ranks after a held one is held too)
 */
public record QueuedMessage(String messageId, String accountId, String deviceId, long created, boolean released) {

    /** An entry of a message queued for the first time (or again by a retry or a repair). */
    public QueuedMessage(String messageId, String accountId, String deviceId, long created) {
        this(messageId, accountId, deviceId, created, false);
    }
}
