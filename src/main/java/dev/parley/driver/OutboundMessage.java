package dev.parley.driver;

import dev.parley.common.MessageContent;

/**
 * What a driver is asked to send: our message id (for logs), the recipient (an E.164 number or a
 * {@code ...@g.us} group id), the content and, for a reply, the WhatsApp id of the message it quotes.
 */
public record OutboundMessage(String messageId, String to, MessageContent content, String quotedWaId) {

    /** A plain text message, for tests and simple callers. */
    public static OutboundMessage text(String messageId, String to, String text) {
        return new OutboundMessage(messageId, to, new MessageContent(MessageContent.Kind.text, text, null, null, null),
                null);
    }

    public boolean toGroup() {
        return to.endsWith("@g.us");
    }
}
