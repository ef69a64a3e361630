package dev.parley.driver.sandbox;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} messages one device sent through the sandbox, oldest first; older ones are forgotten. */
final class SentHistory {

    private final int capacity;
    private final ArrayDeque<SandboxDriver.SentMessage> messages = new ArrayDeque<>();
    /** When the newest forgotten message was sent, or null: what is kept is complete after this. */
    private Instant forgottenUpTo;

    SentHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("sent history capacity " + capacity + " must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Records a send, forgetting the oldest when full; no copy of the rest. */
    synchronized void add(SandboxDriver.SentMessage message) {
        if (messages.size() == capacity) {
            forgottenUpTo = messages.removeFirst().at();
        }
        messages.addLast(message);
    }

    /** A copy of what is kept, oldest first. */
    synchronized List<SandboxDriver.SentMessage> snapshot() {
        return List.copyOf(messages);
    }

    /** Whether every message sent at or after {@code since} is still kept. */
    synchronized boolean keepsAllSince(Instant since) {
        return forgottenUpTo == null || forgottenUpTo.isBefore(since);
    }

    /** WhatsApp's id of a kept message, by our id, or null (never sent, or forgotten). */
    synchronized String waIdOf(String messageId) {
        for (SandboxDriver.SentMessage message : messages) {
            if (message.messageId().equals(messageId)) {
                return message.waId();
            }
        }
        return null;
    }
}
