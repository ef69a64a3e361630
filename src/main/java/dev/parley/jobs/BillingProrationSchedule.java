package dev.parley.jobs;

import dev.parley.billing.BillingProrationJob;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The local entry point of {@link BillingProrationJob}: quarkus-scheduler fires it when this process plays the jobs role. */
@ApplicationScoped
public class BillingProrationSchedule {

    private static final Logger LOG = Logger.getLogger(BillingProrationSchedule.class);

    private final BillingProrationJob job;

    public BillingProrationSchedule(BillingProrationJob job) {
        this.job = job;
    }

    @Scheduled(identity = "billing-proration", every = "${parley.billing.proration-every:24h}", delayed = "60s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = JobScheduler.JobsRoleOff.class)
    void prorate() {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.warn("Billing proration failed; it runs again next period", e);
        }
    }
}
