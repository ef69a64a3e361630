package dev.parley.inbound;

import java.time.Instant;

/** A conversation of a device: the chat id, when its last incoming message arrived, and how many arrived. */
public record Chat(String chat, Instant lastMessageAt, String lastText, long messages) {
}
