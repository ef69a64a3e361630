package dev.parley.jobs.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.file.FileCleanupJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.util.Map;

/** Lambda entry point of {@link FileCleanupJob}, fired by a daily EventBridge schedule. */
@ApplicationScoped
@Named(FileCleanupHandler.NAME)
public class FileCleanupHandler implements RequestHandler<Map<String, Object>, JobResult> {

    /** The handler's name (QUARKUS_LAMBDA_HANDLER), listed in {@link JobHandlers#ALL}. */
    public static final String NAME = JobHandlers.FILE_CLEANUP;

    private final FileCleanupJob job;

    public FileCleanupHandler(FileCleanupJob job) {
        this.job = job;
    }

    @Override
    public JobResult handleRequest(Map<String, Object> scheduledEvent, Context context) {
        return new JobResult(NAME, job.run());
    }
}
