package dev.parley.device;

/**
 * A billed device's subscription state: pending_payment until its first payment; active; past_due after a failed
 * payment (still usable during the grace period); suspended after it (messages are accepted and wait until it is
 * paid); canceled once it ended (the device is disabled); granted when the operator gives it for free (no
 * subscription, none of the billing rules, until the operator revokes the grant).
 */
public enum BillingStatus {
    pending_payment, active, past_due, suspended, canceled, granted;

    /** Whether the API refuses the device's messages: not paid yet, or its subscription ended. */
    public boolean blocksSending() {
        return this == pending_payment || this == canceled;
    }

    /** Whether the connector holds the device's messages instead of sending them: suspended for an unpaid invoice. */
    public boolean holdsMessages() {
        return this == suspended;
    }

    /** Whether the device's subscription ended: its waiting messages fail ("subscription ended"). */
    public boolean ended() {
        return this == canceled;
    }
}
