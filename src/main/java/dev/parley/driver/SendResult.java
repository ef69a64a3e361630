package dev.parley.driver;

/** Outcome of one send attempt, as a value: the caller decides what each means for the message. */
public sealed interface SendResult {

    /** WhatsApp accepted the message and gave it an id. */
    record Sent(String waId) implements SendResult {
    }

    /** The attempt failed in a way that may pass on retry (network, timeout, device busy). */
    record TemporaryFailure(String reason) implements SendResult {
    }

    /** The message can never be sent as asked, e.g. the number is not on WhatsApp. */
    record PermanentFailure(String reason) implements SendResult {
    }
}
