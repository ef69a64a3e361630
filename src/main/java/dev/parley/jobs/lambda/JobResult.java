package dev.parley.jobs.lambda;

/** What a job Lambda invocation reports: the job's name and how many items it moved. */
public record JobResult(String job, int processed) {
}
