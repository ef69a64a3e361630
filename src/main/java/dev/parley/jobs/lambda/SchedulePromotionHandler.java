package dev.parley.jobs.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.jobs.SchedulePromotionJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.util.Map;

/** Lambda entry point of {@link SchedulePromotionJob}, fired by an EventBridge schedule. */
@ApplicationScoped
@Named(JobHandlers.SCHEDULE_PROMOTION)
public class SchedulePromotionHandler implements RequestHandler<Map<String, Object>, JobResult> {

    private final SchedulePromotionJob job;

    public SchedulePromotionHandler(SchedulePromotionJob job) {
        this.job = job;
    }

    @Override
    public JobResult handleRequest(Map<String, Object> scheduledEvent, Context context) {
        return new JobResult(JobHandlers.SCHEDULE_PROMOTION, job.run());
    }
}
