package dev.parley.driver;

import dev.parley.common.MessageContent;

import java.time.Instant;

/**
 * A message a device received: WhatsApp's id for it, the chat it arrived in (a phone number, or a
 * {@code ...@g.us} group), who wrote it, what it carries, the WhatsApp id of the message it quotes (or
 * null), and when it was sent. An engine that downloads media gives its bytes in {@code mediaBytes} (else null);
 * the connector stores them as a file of the account and sets the media's {@code file}.
 */
public record IncomingMessage(String waId, String chat, String from, MessageContent content, String quotedWaId,
                              Instant at, byte[] mediaBytes) {

    /** A message without downloaded media bytes. */
    public IncomingMessage(String waId, String chat, String from, MessageContent content, String quotedWaId,
                           Instant at) {
        this(waId, chat, from, content, quotedWaId, at, null);
    }

    /** The same message with its media stored as file {@code fileId} (null: not stored), its bytes let go. */
    public IncomingMessage withMediaFile(String fileId) {
        MessageContent.Media m = content.media();
        MessageContent stored = new MessageContent(content.kind(), content.text(), content.link(),
                new MessageContent.Media(m.url(), m.type(), m.caption(), m.filename(), fileId), content.location());
        return new IncomingMessage(waId, chat, from, stored, quotedWaId, at, null);
    }

    /** The text of the message: its text, a media caption, or a location's name or address; null if none. */
    public String text() {
        if (content == null) {
            return null;
        }
        if (content.media() != null) {
            return content.media().caption() != null ? content.media().caption() : content.text();
        }
        if (content.location() != null && content.text() == null) {
            return content.location().name() != null ? content.location().name() : content.location().address();
        }
        return content.text();
    }

    /** Whether it arrived in a group chat. */
    public boolean inGroup() {
        return chat != null && chat.endsWith("@g.us");
    }
}
