package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.common.MessageContent;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.OutboundMessage;
import dev.parley.driver.Receipt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/** Parley's message model to and from the sidecar's JSON (PROTOCOL.md, "Sending" and "Incoming message"). */
final class SidecarMessages {

    private SidecarMessages() {
    }

    /** A message this engine can never send as given. */
    static final class Unsendable extends Exception {
        Unsendable(String message) {
            super(message);
        }
    }

    /**
     * WhatsApp's id for one of our messages: derived from our id, so a retry after a sidecar crash (when the
     * first attempt may or may not have gone out) carries the same WhatsApp id, never a second one. Shaped like
     * Baileys' own ids ({@code 3EB0} and 18 upper-case hex digits).
     */
    static String waIdFor(String messageId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("parley:" + messageId).getBytes(StandardCharsets.UTF_8));
            return "3EB0" + HexFormat.of().withUpperCase().formatHex(digest, 0, 9);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code send} request's fields for {@code message}. */
    static ObjectNode send(ObjectMapper json, String deviceId, OutboundMessage message) throws Unsendable {
        ObjectNode request = json.createObjectNode()
                .put("device", deviceId)
                .put("to", message.to())
                .put("waId", waIdFor(message.messageId()));
        request.set("content", content(json, message.content()));
        if (message.quotedWaId() != null) {
            request.putObject("quoted").put("waId", message.quotedWaId());
        }
        return request;
    }

    private static ObjectNode content(ObjectMapper json, MessageContent content) throws Unsendable {
        if (content == null || content.kind() == null) {
            throw new Unsendable("the message has no content");
        }
        ObjectNode out = json.createObjectNode().put("kind", content.kind().name());
        if (content.text() != null) {
            out.put("text", content.text());
        }
        switch (content.kind()) {
            case text -> {
            }
            // no preview object: Parley does not build previews yet, and the sidecar never fetches one
            case link -> out.put("link", content.link());
            case location -> {
                MessageContent.Location l = content.location();
                if (l == null || l.latitude() == null || l.longitude() == null) {
                    throw new Unsendable("WhatsApp needs a location's latitude and longitude");
                }
                ObjectNode location = out.putObject("location").put("latitude", l.latitude())
                        .put("longitude", l.longitude());
                if (l.name() != null) {
                    location.put("name", l.name());
                }
                if (l.address() != null) {
                    location.put("address", l.address());
                }
            }
            case media -> {
                MessageContent.Media m = content.media();
                if (m == null || m.type() == null) {
                    throw new Unsendable("the media has no type");
                }
                ObjectNode media = out.putObject("media").put("type", m.type().name())
                        .put("path", localPath(m.url()));
                if (m.caption() != null) {
                    media.put("caption", m.caption());
                }
                if (m.filename() != null) {
                    media.put("filename", m.filename());
                }
            }
        }
        return out;
    }

    /** Media goes out from a local file Parley stores; the engine never fetches a URL. */
    private static String localPath(String url) throws Unsendable {
        if (url != null && url.startsWith("/")) {
            return url;
        }
        if (url != null && url.startsWith("file:")) {
            return Path.of(URI.create(url)).toString();
        }
        throw new Unsendable("the WhatsApp engine sends media only from Parley's file store, not by URL");
    }

    /** An {@code incoming} event's message, or null for a kind Parley does not take yet. */
    static IncomingMessage incoming(JsonNode m) {
        String kind = m.path("kind").asText();
        String text = text(m, "text");
        MessageContent content = switch (kind) {
            case "text" -> new MessageContent(MessageContent.Kind.text, text, text(m, "link"), null, null);
            case "location" -> {
                JsonNode l = m.path("location");
                yield new MessageContent(MessageContent.Kind.location, text, null, null,
                        new MessageContent.Location(number(l, "latitude"), number(l, "longitude"), text(l, "address"),
                                text(l, "name")));
            }
            case "media" -> {
                JsonNode media = m.path("media");
                yield new MessageContent(MessageContent.Kind.media, null, null,
                        new MessageContent.Media(null, mediaType(media.path("type").asText()), text,
                                text(media, "filename"), null), null);
            }
            default -> null;
        };
        if (content == null) {
            return null;
        }
        String base64 = text(m.path("media"), "base64");
        return new IncomingMessage(m.path("waId").asText(), m.path("chat").asText(), m.path("from").asText(), content,
                text(m, "quotedWaId"), Instant.ofEpochMilli(m.path("at").asLong()),
                base64 == null ? null : java.util.Base64.getDecoder().decode(base64));
    }

    /** A receipt's status as the seam knows it; null for levels it does not report (server ack, error). */
    static Receipt receipt(String status) {
        return switch (status) {
            case "delivered" -> Receipt.delivered;
            // a played voice note or video has been read
            case "read", "played" -> Receipt.read;
            default -> null;
        };
    }

    private static MessageContent.MediaType mediaType(String type) {
        if ("sticker".equals(type)) {
            return MessageContent.MediaType.image;
        }
        try {
            return MessageContent.MediaType.valueOf(type.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return MessageContent.MediaType.document;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asDouble();
    }
}
