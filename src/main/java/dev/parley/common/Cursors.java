package dev.parley.common;

import dev.parley.error.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque listing cursors made of a fixed number of text parts (a position in a sort order), URL-safe
 * base64 on the wire. Decoding answers a 400 naming the parameter for anything this API did not hand out.
 */
public final class Cursors {

    private static final char SEPARATOR = '\n';

    private Cursors() {
    }

    /** The cursor for a position; no part may hold a line break. */
    public static String encode(String... parts) {
        String joined = String.join(String.valueOf(SEPARATOR), parts);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code count} parts of a cursor, null when it is absent, or a 400 naming {@code field}. */
    public static String[] decode(String cursor, int count, String field) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        String joined;
        try {
            joined = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(field);
        }
        String[] parts = joined.split(String.valueOf(SEPARATOR), -1);
        if (parts.length != count) {
            throw malformed(field);
        }
        return parts;
    }

    /** The 400 for a cursor whose parts do not make a position of this listing. */
    public static ApiException malformed(String field) {
        return ApiException.invalid(field, field + " is not one this listing returned; pass the answer's next");
    }
}
