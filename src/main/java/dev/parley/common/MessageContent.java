package dev.parley.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a message carries: text (a link in it gets a preview), a location, or a media file, each
 * optionally with text. Exactly one {@link Kind} describes it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageContent(Kind kind, String text, String link, Media media, Location location) {

    /** The shape of a message on WhatsApp. */
    public enum Kind { text, link, location, media }

    /**
     * A media file: {@code file} is the id of the account's stored file the engine sends from (given as
     * {@code media.file}, or stored from {@code url} when the message was accepted); {@code type} is one of the
     * media types the FAQ lists. On its way to a driver, {@code url} is a {@code file:} URI of a local copy.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Media(String url, MediaType type, String caption, String filename, String file) {

        /** The same media, sent from {@code localUrl}. */
        public Media at(String localUrl) {
            return new Media(localUrl, type, caption, filename, file);
        }
    }

    /** A place: coordinates, an address, or both, with an optional name. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Location(Double latitude, Double longitude, String address, String name) {
    }

    /** Media kinds WhatsApp distinguishes. */
    public enum MediaType { image, audio, video, gif, document, archive }
}
