package dev.parley.error;

/**
 * An error the API reports to its caller as problem+json: a status, a short type slug, a detail and,
 * for invalid input, the name of the offending field.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String field;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String type, String detail, String field) {
        this(status, type, detail, field, null);
    }

    /** With {@code retryAfterSeconds}, the answer carries a {@code Retry-After} header (throttling, outages). */
    public ApiException(int status, String type, String detail, String field, Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.type = type;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(400, "invalid-field", detail, field);
    }

    public static ApiException notFound(String what, String field) {
        return new ApiException(404, "not-found", what + " not found", field);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", detail, null);
    }

    public static ApiException forbidden(String detail, String field) {
        return new ApiException(403, "forbidden", detail, field);
    }

    public static ApiException conflict(String detail, String field) {
        return new ApiException(409, "conflict", detail, field);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String field() {
        return field;
    }

    /** Seconds a client should wait before retrying, or null when a retry will not help. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
