package dev.parley.common;

import dev.parley.error.ApiException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses listing query parameters, answering a 400 that names the parameter when one is malformed. */
public final class QueryParams {

    private QueryParams() {
    }

    /** A page size: {@code fallback} when absent, else an integer in 1..{@code max}. */
    public static int size(String value, int fallback, int max) {
        int n;
        try {
            n = value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > max) {
            throw ApiException.invalid("size", "size must be between 1 and " + max);
        }
        return n;
    }

    /** An ISO-8601 date-time with offset, or null when absent. */
    public static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, field + " must be an ISO-8601 date-time with offset");
        }
    }
}
