package dev.parley.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A message one of the account's devices received, as stored and as the API shows it. {@code chat} is the
 * phone number (E.164 without formatting guarantees from WhatsApp) or group id it arrived in;
 * reply to it in thread with {@code quote: <id>}. {@code media} describes the media it carried, if any.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InboundMessage(String id, String account, String device, String chat, String from, String text,
                             String waId, String quotedWaId, Instant receivedAt, Media media) {

    /** Media a message carried: its type, its stored file (null when it could not be stored), its file name. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Media(String type, String file, String filename) {
    }
}
