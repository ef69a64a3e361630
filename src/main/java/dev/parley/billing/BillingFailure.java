package dev.parley.billing;

/** A call to the payment provider that failed; the API answers 502 and nothing of Parley's state changed. */
public class BillingFailure extends RuntimeException {

    /** With what was being done; the cause keeps the provider's error. */
    public BillingFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
