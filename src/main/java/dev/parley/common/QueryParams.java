package dev.parley.common;

import dev.parley.error.ApiException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.DateTimeException;

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

    /** Earliest date-time a listing filter accepts: nothing in Parley predates the epoch. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** Latest date-time a listing filter accepts; store keys hold times as fixed-width epoch milliseconds. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /** An ISO-8601 date-time with offset between {@link #EARLIEST} and {@link #LATEST}, or null when absent. */
    public static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeException e) {
            throw ApiException.invalid(field, field + " must be an ISO-8601 date-time with offset");
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw ApiException.invalid(field, field + " must be between " + EARLIEST + " and " + LATEST);
        }
        return at;
    }

    /** Rejects a range whose start ({@code fromField}) is after its end; either bound may be absent. */
    public static void range(Instant from, String fromField, Instant to, String toField) {
        if (from != null && to != null && from.isAfter(to)) {
            throw ApiException.invalid(fromField, fromField + " must not be later than " + toField);
        }
    }
}
