package dev.parley.driver;

import java.time.Instant;

/**
 * A message a device received: the chat it arrived in (a phone number, or a {@code ...@g.us} group), who
 * wrote it, its text, WhatsApp's id for it, and the WhatsApp id of the message it quotes, if any.
 */
public record IncomingMessage(String waId, String chat, String from, String text, String quotedWaId, Instant at) {
}
