package dev.parley.jobs.lambda;

import java.util.List;

/** Names of the job Lambda handlers, as template.yaml refers to them (QUARKUS_LAMBDA_HANDLER). */
public final class JobHandlers {

    public static final String SCHEDULE_PROMOTION = "schedule-promotion";
    public static final String QUEUE_REPAIR = "queue-repair";
    public static final String WEBHOOK_DISPATCH = "webhook-dispatch";
    public static final String DEAD_LETTER_REDRIVE = "dead-letter-redrive";
    public static final String FILE_CLEANUP = "file-cleanup";
    public static final String BILLING_PRORATION = "billing-proration";
    public static final List<String> ALL = List.of(SCHEDULE_PROMOTION, QUEUE_REPAIR, WEBHOOK_DISPATCH,
            DEAD_LETTER_REDRIVE, FILE_CLEANUP, BILLING_PRORATION);

    private JobHandlers() {
    }
}
