package dev.parley.driver;

/**
 * A driver cannot carry out a command for a device as things stand (already linked, not connected, a number it
 * cannot read); {@code reason} is a short slug the API turns into a problem type. Never a network outcome of a
 * send: those are {@link SendResult} values.
 */
public class DriverRefusal extends RuntimeException {

    private final String reason;
    private final boolean retryable;

    public DriverRefusal(String reason, String message, boolean retryable) {
        super(message);
        this.reason = reason;
        this.retryable = retryable;
    }

    /** A slug: {@code already_linked}, {@code not_connected}, {@code invalid_recipient}, {@code unavailable}, … */
    public String reason() {
        return reason;
    }

    /** Whether the same command may succeed later without a person changing anything (e.g. once reconnected). */
    public boolean retryable() {
        return retryable;
    }
}
