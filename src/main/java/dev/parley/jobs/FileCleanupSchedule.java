package dev.parley.jobs;

import dev.parley.file.FileCleanupJob;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The local entry point of {@link FileCleanupJob}: quarkus-scheduler fires it when this process plays the jobs role. */
@ApplicationScoped
public class FileCleanupSchedule {

    private static final Logger LOG = Logger.getLogger(FileCleanupSchedule.class);

    private final FileCleanupJob job;

    public FileCleanupSchedule(FileCleanupJob job) {
        this.job = job;
    }

    @Scheduled(identity = "file-cleanup", every = "${parley.files.cleanup.every:24h}", delayed = "60s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = JobScheduler.JobsRoleOff.class)
    void cleanup() {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.warn("File cleanup failed; it runs again next period", e);
        }
    }
}
