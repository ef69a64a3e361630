package dev.parley.driver;

import dev.parley.common.MessageContent;

/**
 * What a driver is asked to send: our message id (for logs), the recipient (an E.164 number or a
 * {@code ...@g.us} group id), the content and, for a reply, the WhatsApp id of the message it quotes.
 */
public record OutboundMessage(String messageId, String to, MessageContent content, String quotedWaId) {

    public boolean toGroup() {
        return to.endsWith("@g.us");
    }
}
