package dev.parley.queue;

import dev.parley.common.Priority;

/** Identifies one outbound queue: a shard and a priority. */
public record QueueAddress(int shard, Priority priority) {

    /** The queue's name under a prefix: {prefix}-{shard}-{priority}. */
    public String name(String prefix) {
        return prefix + "-" + shard + "-" + priority.name();
    }

    /** The name of the queue's dead-letter queue under a prefix: {prefix}-{shard}-{priority}-dlq. */
    public String deadLetterName(String prefix) {
        return name(prefix) + "-dlq";
    }
}
