package dev.parley.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem document; {@code field} names the offending request field when there is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://parley.dev/problems/";

    public static Problem of(int status, String type, String detail, String field, String instance) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return new Problem(TYPE_BASE + type, known != null ? known.getReasonPhrase() : "Error", status, detail, field,
                instance);
    }

    /** The problem an {@link ApiException} stands for. */
    public static Problem of(ApiException e, String instance) {
        return of(e.status(), e.type(), e.getMessage(), e.field(), instance);
    }
}
