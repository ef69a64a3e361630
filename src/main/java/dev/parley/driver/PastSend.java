package dev.parley.driver;

/**
 * What an engine knows about whether a device sent a message earlier, asked when the outcome of that attempt was
 * lost (the driver threw, or the outcome could not be recorded): Parley never sends a message again while the
 * network may already have it.
 */
public sealed interface PastSend {

    /** The network has the message, under WhatsApp's id {@code waId}. */
    record Sent(String waId) implements PastSend {
    }

    /** The engine knows for certain the message never reached the network since the time asked about. */
    record NotSent() implements PastSend {
    }

    /** The engine cannot tell. */
    record Unknown() implements PastSend {
    }
}
