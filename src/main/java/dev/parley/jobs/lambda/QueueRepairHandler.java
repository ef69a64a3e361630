package dev.parley.jobs.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.jobs.QueueRepairJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.util.Map;

/** Lambda entry point of {@link QueueRepairJob}, fired by an EventBridge schedule. */
@ApplicationScoped
@Named(JobHandlers.QUEUE_REPAIR)
public class QueueRepairHandler implements RequestHandler<Map<String, Object>, JobResult> {

    private final QueueRepairJob job;

    public QueueRepairHandler(QueueRepairJob job) {
        this.job = job;
    }

    @Override
    public JobResult handleRequest(Map<String, Object> scheduledEvent, Context context) {
        return new JobResult(JobHandlers.QUEUE_REPAIR, job.run());
    }
}
