package dev.parley.queue;

/**
 * The body of an outbound queue entry: a pointer to the message record, which holds everything else,
 * plus its creation time in epoch milliseconds so a connector can order waiting entries without a read.
 */
public record QueuedMessage(String messageId, String accountId, String deviceId, long created) {
}
