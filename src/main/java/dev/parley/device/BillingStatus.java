package dev.parley.device;

/**
 * A billed device's subscription state: pending_payment until its first payment; active; past_due after a failed
 * payment (still usable during the grace period); suspended after it (messages wait); canceled once it ended.
 */
public enum BillingStatus {
    pending_payment, active, past_due, suspended, canceled;

    /** Whether the device may not send: not paid yet, suspended for an unpaid invoice, or ended. */
    public boolean blocksSending() {
        return this == pending_payment || this == suspended || this == canceled;
    }
}
