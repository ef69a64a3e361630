package dev.parley.jobs;

import dev.parley.billing.PaymentFailures;
import dev.parley.common.OutageLog;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Suspends devices whose invoice stays unpaid past the grace period (billing on; jobs role). */
@ApplicationScoped
public class PaymentGraceJob {

    private static final Logger LOG = Logger.getLogger(PaymentGraceJob.class);
    private final OutageLog checking = new OutageLog("The payment grace job", LOG);

    private final PaymentFailures failures;

    public PaymentGraceJob(PaymentFailures failures) {
        this.failures = failures;
    }

    /** One run: idempotent (a suspension is a conditional update), so a cron may fire it as often as it likes. */
    public int run() {
        return failures.suspendOverdue();
    }

    @Scheduled(identity = "billing-grace", every = "${parley.billing.grace-check:1m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = JobScheduler.JobsRoleOff.class)
    void scheduled() {
        try {
            run();
            checking.succeeded();
        } catch (RuntimeException e) {
            checking.failed(e);
        }
    }
}
