package dev.parley.jobs;

import dev.parley.common.OutageLog;

import dev.parley.config.Roles;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The process entry point of the jobs: quarkus-scheduler fires each job on its period when this process
 * plays the jobs role. (On AWS the same job beans are fired by EventBridge schedules instead.)
 */
@ApplicationScoped
public class JobScheduler {

    private static final Logger LOG = Logger.getLogger(JobScheduler.class);
    // A failed run is retried next period; an outage is logged when it starts and when it ends.
    private final OutageLog promoting = new OutageLog("The schedule promotion job", LOG);
    private final OutageLog repairing = new OutageLog("The queue repair job", LOG);

    private final SchedulePromotionJob promotion;
    private final QueueRepairJob repair;
    private final DeadLetterRedriveJob redrive;

    public JobScheduler(SchedulePromotionJob promotion, QueueRepairJob repair, DeadLetterRedriveJob redrive) {
        this.promotion = promotion;
        this.repair = repair;
        this.redrive = redrive;
    }

    @Scheduled(identity = "schedule-promotion", every = "${parley.jobs.promote-every:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = JobsRoleOff.class)
    void promote() {
        try {
            promotion.run();
            promoting.succeeded();
        } catch (RuntimeException e) {
            promoting.failed(e);
        }
    }

    @Scheduled(identity = "queue-repair", every = "${parley.jobs.repair-every:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = JobsRoleOff.class)
    void repair() {
        try {
            repair.run();
            repairing.succeeded();
        } catch (RuntimeException e) {
            repairing.failed(e);
        }
    }

    @Scheduled(identity = "dead-letter-redrive", every = "${parley.jobs.redrive-every:5m}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = JobsRoleOff.class)
    void redrive() {
        try {
            redrive.run();
        } catch (RuntimeException e) {
            LOG.warn("Dead-letter redrive failed; it runs again next period", e);
        }
    }

    /** Skips every job when the jobs role is off. */
    @Singleton
    public static class JobsRoleOff implements Scheduled.SkipPredicate {

        private final Roles roles;

        public JobsRoleOff(Roles roles) {
            this.roles = roles;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !roles.jobs();
        }
    }
}
