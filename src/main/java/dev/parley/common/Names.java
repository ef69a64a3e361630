package dev.parley.common;

import dev.parley.error.ApiException;

/**
 * Checks the display names clients give to things (devices, tokens, webhooks, accounts): trimmed, of
 * bounded length, and free of control characters, which PostgreSQL refuses (NUL) or which would garble
 * logs and listings (line breaks, escapes).
 */
public final class Names {

    private Names() {
    }

    /**
     * The trimmed name, or a 400 naming {@code field} when it is blank, longer than {@code maxLength}
     * characters or holds a control character.
     */
    public static String check(String name, String field, int maxLength) {
        if (name == null || name.isBlank() || name.trim().length() > maxLength) {
            throw ApiException.invalid(field, field + " must be 1 to " + maxLength + " characters");
        }
        requirePrintable(name, field);
        return name.trim();
    }

    /** Rejects a value holding a control character (C0, DEL or C1, including NUL), naming {@code field}. */
    public static void requirePrintable(String value, String field) {
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(field, field + " must not contain control characters");
        }
    }
}
