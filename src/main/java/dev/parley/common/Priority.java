package dev.parley.common;

import dev.parley.error.ApiException;

import java.util.Locale;

/** Send priority; each has its own queue per shard. */
public enum Priority {
    urgent, high, normal, low;

    /** Parses a request value; null means normal, anything unknown is a 400 naming {@code field}. */
    public static Priority parse(String value, String field) {
        if (value == null || value.isBlank()) {
            return normal;
        }
        try {
            return valueOf(value.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, field + " must be one of low, normal, high, urgent");
        }
    }
}
