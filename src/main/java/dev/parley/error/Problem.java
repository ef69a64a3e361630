package dev.parley.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document; {@code field} names the offending request field when there is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
