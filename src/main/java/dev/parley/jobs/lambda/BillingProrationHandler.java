package dev.parley.jobs.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.billing.BillingProrationJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.util.Map;

/** Lambda entry point of {@link BillingProrationJob}, fired by a daily EventBridge schedule. */
@ApplicationScoped
@Named(BillingProrationHandler.NAME)
public class BillingProrationHandler implements RequestHandler<Map<String, Object>, JobResult> {

    /** The handler's name (QUARKUS_LAMBDA_HANDLER), listed in {@link JobHandlers#ALL}. */
    public static final String NAME = JobHandlers.BILLING_PRORATION;

    private final BillingProrationJob job;

    public BillingProrationHandler(BillingProrationJob job) {
        this.job = job;
    }

    /** Answers the devices looked at; the overage charged and the differences found are in the log. */
    @Override
    public JobResult handleRequest(Map<String, Object> scheduledEvent, Context context) {
        return new JobResult(NAME, job.run().devices());
    }
}
