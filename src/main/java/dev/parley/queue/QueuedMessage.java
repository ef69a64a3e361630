package dev.parley.queue;

/** The body of an outbound queue entry: a pointer to the message record, which holds everything else. */
public record QueuedMessage(String messageId, String accountId, String deviceId) {
}
