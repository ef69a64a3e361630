package dev.parley.message;

import java.util.List;

/**
 * Body of {@code POST /v1/messages} (and of each item of a bulk request). Field names follow the
 * modelled service's API so its clients work unchanged. Unknown fields are rejected with a 400 naming
 * the field.
 *
 * @param phone      recipient in international format; or
 * @param group      recipient group id, {@code <digits>[-<digits>]@g.us}
 * @param message    text, or the caption of media; optional with media or location
 * @param deliverAt  ISO-8601 date-time with offset; not sent before it
 * @param expiration when an unsent message expires: exactly one of seconds, duration or date
 * @param retries    transient failures tolerated, 0-100 (default 5)
 * @param linkPreview whether a link in the text gets a preview (default true)
 * @param quote      id of an incoming message of the same chat this message replies to
 * @param idempotencyKey the same as an {@code Idempotency-Key} header for this one message (the way to give
 *                   each item of a bulk request its own key)
 */
public record SendMessageRequest(
        String phone,
        String group,
        String message,
        String device,
        String reference,
        String priority,
        String deliverAt,
        Expiration expiration,
        Media media,
        Location location,
        Integer retries,
        Boolean linkPreview,
        String quote,
        String idempotencyKey) {

    /** Expiry of an unsent message, relative to acceptance ({@code seconds}, {@code duration}) or absolute. */
    public record Expiration(Long seconds, String duration, String date) {
    }

    /**
     * Media by {@code file} (the id of a file of the account) or by {@code url} (fetched once when the message
     * is accepted); {@code type} defaults to the kind detected from the file's bytes.
     */
    public record Media(String url, String caption, String type, String filename, String file) {
    }

    /** A location by {@code coordinates: [latitude, longitude]} or by {@code address}. */
    public record Location(List<Double> coordinates, String address, String name) {
    }
}
