package dev.parley.webhook;

/**
 * What one request to a webhook endpoint came to: delivered (a 2xx answer) or failed, with the status
 * when an answer came, the time it took and, for a failure, why and whether retrying may help.
 */
public record AttemptResult(boolean delivered, Integer statusCode, long latencyMillis, String error,
                            boolean retryable) {

    public static AttemptResult delivered(int statusCode, long latencyMillis) {
        return new AttemptResult(true, statusCode, latencyMillis, null, false);
    }

    public static AttemptResult failed(Integer statusCode, long latencyMillis, String error, boolean retryable) {
        return new AttemptResult(false, statusCode, latencyMillis, error, retryable);
    }
}
