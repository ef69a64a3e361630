package dev.parley.webhook;

/** What one step of an endpoint's delivery turn came to; only {@link #DELIVERED} asks for another step. */
enum TurnOutcome {
    /** A batch was accepted and the cursor moved past it. */
    DELIVERED,
    /** Nothing settled was waiting (the cursor may have moved past events the filters passed over). */
    NOTHING_TO_SEND,
    /** The attempt failed; the failure was counted and the endpoint backed off (or disabled). */
    FAILED,
    /** The endpoint was not due, not active, or another process holds its lease. */
    NOT_CLAIMED
}
