package dev.parley.jobs.lambda;

import java.util.List;

/** Names of the job Lambda handlers, as template.yaml refers to them. */
public final class JobHandlers {

    /** Queues scheduled messages that are due within the schedule lead ({@code SchedulePromotionJob}). */
    public static final String SCHEDULE_PROMOTION = "schedule-promotion";
    /** Queues records whose queue write was never confirmed ({@code QueueRepairJob}). */
    public static final String QUEUE_REPAIR = "queue-repair";

    /** Every job handler name; each has one function with a schedule in template.yaml. */
    public static final List<String> ALL = List.of(SCHEDULE_PROMOTION, QUEUE_REPAIR);

    private JobHandlers() {
    }
}
