package dev.parley.message;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.error.ApiException;

import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a message listing stopped: the API's {@code next}/{@code cursor} string, opaque to clients and to
 * {@link MessageService}. Only {@link MessageStore} reads the position inside it.
 */
public final class MessageCursor {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The listing's position in the store's own terms; never interpreted outside the store. */
    private final Map<String, String> position;

    private MessageCursor(Map<String, String> position) {
        // A client may send nulls: kept, so the store rejects the cursor as foreign rather than failing here.
        this.position = Collections.unmodifiableMap(new HashMap<>(position));
    }

    /** A cursor at {@code position}, as the store gives it. */
    static MessageCursor at(Map<String, String> position) {
        return new MessageCursor(position);
    }

    /** The position the store encoded. */
    Map<String, String> position() {
        return position;
    }

    /** The string the API hands out. */
    public String encode() {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(position));
        } catch (Exception e) {
            throw new IllegalStateException("A cursor always serializes", e);
        }
    }

    /** The cursor a client sent back, or null for none; a string this API did not hand out is a 400. */
    public static MessageCursor decode(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Map<String, String> position = JSON.readValue(Base64.getUrlDecoder().decode(text.trim()),
                    new TypeReference<Map<String, String>>() {
                    });
            return new MessageCursor(position);
        } catch (Exception e) {
            throw ApiException.invalid("cursor", "cursor is not one this API returned");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageCursor other && position.equals(other.position);
    }

    @Override
    public int hashCode() {
        return Objects.hash(position);
    }

    @Override
    public String toString() {
        return "MessageCursor" + position;
    }
}
