package dev.parley.jobs.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.jobs.DeadLetterRedriveJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.util.Map;

/** Lambda entry point of {@link DeadLetterRedriveJob}, fired by an EventBridge schedule. */
@ApplicationScoped
@Named(JobHandlers.DEAD_LETTER_REDRIVE)
public class DeadLetterRedriveHandler implements RequestHandler<Map<String, Object>, JobResult> {

    private final DeadLetterRedriveJob job;

    public DeadLetterRedriveHandler(DeadLetterRedriveJob job) {
        this.job = job;
    }

    @Override
    public JobResult handleRequest(Map<String, Object> scheduledEvent, Context context) {
        return new JobResult(JobHandlers.DEAD_LETTER_REDRIVE, job.run());
    }
}
