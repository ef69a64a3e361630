package dev.parley.driver;

/** What a driver is asked to send: our message id (for logs), the recipient in E.164 and the text. */
public record OutboundMessage(String messageId, String phone, String text) {
}
