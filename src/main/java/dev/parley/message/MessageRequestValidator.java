package dev.parley.message;

import dev.parley.common.MessageContent;

import dev.parley.common.Priority;

import dev.parley.common.PhoneNumber;
import dev.parley.config.ParleyConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import dev.parley.error.ApiException;
import dev.parley.common.MessageContent.Kind;
import dev.parley.common.MessageContent.MediaType;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one send request's own fields and turns it into a {@link MessageDraft}; every rejection is a
 * 400 naming the field (with a {@code prefix} such as {@code messages[3].} for bulk items).
 */
@ApplicationScoped
public class MessageRequestValidator {

    /** WhatsApp's own limit on a text message. */
    static final int MAX_TEXT_LENGTH = 4096;
    static final int MAX_CAPTION_LENGTH = 1024;
    static final int MAX_REFERENCE_LENGTH = 100;
    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_RETRIES = 100;
    private static final Pattern GROUP_ID = Pattern.compile("^[0-9]{6,40}(-[0-9]{6,20})?@g\\.us$");
    private static final Pattern DURATION = Pattern.compile("^(\\d{1,9})\\s*(s|m|h|d|w)$");
    private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+", Pattern.CASE_INSENSITIVE);
    private final ParleyConfig config;

    /** Whether {@code value} is a WhatsApp group id ({@code <digits>[-<digits>]@g.us}). */
    public static boolean isGroupId(String value) {
        return value != null && GROUP_ID.matcher(value).matches();
    }
    private final MessagesConfig messages;

    /** {@code parley.connector.retries}, read by name: the connector's config mapping is above this package. */
    private final int defaultRetries;

    public MessageRequestValidator(ParleyConfig config, MessagesConfig messages,
                                   @ConfigProperty(name = "parley.connector.retries", defaultValue = "5") int defaultRetries) {
        this.config = config;
        this.messages = messages;
        this.defaultRetries = defaultRetries;
    }

    public MessageDraft validate(SendMessageRequest r, Instant now, String prefix) {
        if (r == null) {
            throw invalid(prefix, "phone", "a message object is required");
        }
        String phone = null;
        String group = null;
        if (r.group() != null) {
            if (r.phone() != null) {
                throw invalid(prefix, "group", "send either phone or group, not both");
            }
            group = r.group().trim();
            if (!GROUP_ID.matcher(group).matches()) {
                throw invalid(prefix, "group", "group must be a WhatsApp group id such as 120363012345678901@g.us");
            }
        } else {
            try {
                phone = PhoneNumber.of(r.phone(), "phone").e164();
            } catch (ApiException e) {
                throw invalid(prefix, "phone", e.getMessage());
            }
        }
        MessageContent content = content(r, prefix);
        if (r.reference() != null && r.reference().length() > MAX_REFERENCE_LENGTH) {
            throw invalid(prefix, "reference", "reference must be at most " + MAX_REFERENCE_LENGTH + " characters");
        }
        Priority priority;
        try {
            priority = Priority.parse(r.priority(), "priority");
        } catch (ApiException e) {
            throw invalid(prefix, "priority", e.getMessage());
        }
        Instant deliverAt = deliverAt(r.deliverAt(), now, prefix);
        Instant expiresAt = expiresAt(r.expiration(), now, prefix);
        if (expiresAt != null && deliverAt != null && !expiresAt.isAfter(deliverAt)) {
            throw invalid(prefix, "expiration", "expiration must be after deliverAt");
        }
        int retries = r.retries() == null ? defaultRetries : r.retries();
        if (retries < 0 || retries > MAX_RETRIES) {
            throw invalid(prefix, "retries", "retries must be between 0 and " + MAX_RETRIES);
        }
        String device = r.device() == null || r.device().isBlank() ? null : r.device().trim();
        String quote = r.quote() == null || r.quote().isBlank() ? null : r.quote().trim();
        if (quote != null && !dev.parley.common.Ids.isId(quote)) {
            throw invalid(prefix, "quote", "quote must be the id of an incoming message");
        }
        return new MessageDraft(phone, group, content, device, r.reference(), quote, priority, deliverAt, expiresAt,
                retries);
    }

    private MessageContent content(SendMessageRequest r, String prefix) {
        String text = r.message() == null || r.message().isBlank() ? null : r.message();
        if (r.media() != null && r.location() != null) {
            throw invalid(prefix, "location", "send either media or location, not both");
        }
        if (r.media() != null) {
            MessageContent.Media media = media(r.media(), text, prefix);
            return new MessageContent(Kind.media, text, null, media, null);
        }
        if (r.location() != null) {
            checkText(text, MAX_TEXT_LENGTH, "message", prefix);
            return new MessageContent(Kind.location, text, null, null, location(r.location(), prefix));
        }
        if (text == null) {
            throw invalid(prefix, "message", "message must not be empty");
        }
        checkText(text, MAX_TEXT_LENGTH, "message", prefix);
        Matcher link = LINK.matcher(text);
        if (link.find() && !Boolean.FALSE.equals(r.linkPreview())) {
            return new MessageContent(Kind.link, text, link.group(), null, null);
        }
        return new MessageContent(Kind.text, text, null, null, null);
    }

    private MessageContent.Media media(SendMessageRequest.Media m, String text, String prefix) {
        String url = m.url() == null || m.url().isBlank() ? null : m.url().trim();
        String file = m.file() == null || m.file().isBlank() ? null : m.file().trim();
        if (url != null && file != null) {
            throw invalid(prefix, "media.file", "send either media.file or media.url, not both");
        }
        if (url == null && file == null) {
            throw invalid(prefix, "media.file", "media needs file (the id of an uploaded file) or url");
        }
        if (file != null && !dev.parley.common.Ids.isId(file)) {
            throw new ApiException(404, "not-found", "File " + file + " was not found", prefix + "media.file");
        }
        if (url != null) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw invalid(prefix, "media.url", "media.url is not a valid URL");
            }
            if (url.length() > MAX_URL_LENGTH || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw invalid(prefix, "media.url", "media.url must be an http(s) URL of at most " + MAX_URL_LENGTH + " characters");
            }
        }
        // Without a type the file's kind, detected from its bytes, decides (MessageMedia.attach).
        MediaType type = null;
        if (m.type() != null) {
            try {
                type = MediaType.valueOf(m.type().trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(prefix, "media.type", "media.type must be one of image, audio, video, gif, document, archive");
            }
        }
        String caption = m.caption() != null && !m.caption().isBlank() ? m.caption() : text;
        if (caption != null) {
            checkText(caption, MAX_CAPTION_LENGTH, m.caption() != null ? "media.caption" : "message", prefix);
        }
        if (m.filename() != null && (m.filename().isBlank() || m.filename().length() > 255)) {
            throw invalid(prefix, "media.filename", "media.filename must be 1 to 255 characters");
        }
        return new MessageContent.Media(url, type, caption, m.filename(), file);
    }

    private MessageContent.Location location(SendMessageRequest.Location l, String prefix) {
        boolean hasAddress = l.address() != null && !l.address().isBlank();
        if (l.coordinates() == null && !hasAddress) {
            throw invalid(prefix, "location", "location needs coordinates [latitude, longitude] or an address");
        }
        Double lat = null;
        Double lng = null;
        if (l.coordinates() != null) {
            if (l.coordinates().size() != 2 || l.coordinates().contains(null)) {
                throw invalid(prefix, "location.coordinates", "location.coordinates must be [latitude, longitude]");
            }
            lat = l.coordinates().get(0);
            lng = l.coordinates().get(1);
            // NaN compares false with everything, so it would pass the range check below.
            if (!Double.isFinite(lat) || !Double.isFinite(lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180) {
                throw invalid(prefix, "location.coordinates",
                        "latitude must be within -90..90 and longitude within -180..180");
            }
        }
        if (hasAddress && l.address().length() > 500) {
            throw invalid(prefix, "location.address", "location.address must be at most 500 characters");
        }
        if (l.name() != null && l.name().length() > 200) {
            throw invalid(prefix, "location.name", "location.name must be at most 200 characters");
        }
        return new MessageContent.Location(lat, lng, hasAddress ? l.address().trim() : null, l.name());
    }

    private Instant deliverAt(String value, Instant now, String prefix) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(prefix, "deliverAt", "deliverAt must be an ISO-8601 date-time with offset, e.g. 2026-12-24T09:00:00+01:00");
        }
        Duration horizon = messages.scheduleHorizon();
        if (at.isAfter(now.plus(horizon))) {
            throw invalid(prefix, "deliverAt", "deliverAt must be within " + horizon.toDays() + " days from now");
        }
        // A time in the past means "now": the message is sent at once.
        return at.isAfter(now) ? at : null;
    }

    private Instant expiresAt(SendMessageRequest.Expiration e, Instant now, String prefix) {
        if (e == null) {
            return null;
        }
        int given = (e.seconds() != null ? 1 : 0) + (e.duration() != null ? 1 : 0) + (e.date() != null ? 1 : 0);
        if (given != 1) {
            throw invalid(prefix, "expiration", "expiration needs exactly one of seconds, duration or date");
        }
        Duration horizon = messages.scheduleHorizon();
        Instant at;
        // Relative expiries are compared with the horizon before any arithmetic, which could overflow.
        if (e.seconds() != null) {
            if (e.seconds() < 1 || e.seconds() > horizon.toSeconds()) {
                throw invalid(prefix, "expiration.seconds",
                        "expiration.seconds must be between 1 and " + horizon.toSeconds());
            }
            at = now.plusSeconds(e.seconds());
        } else if (e.duration() != null) {
            Duration d = parseDuration(e.duration(), prefix);
            if (d.compareTo(horizon) > 0) {
                throw invalid(prefix, "expiration.duration",
                        "expiration.duration must be within " + horizon.toDays() + " days");
            }
            at = now.plus(d);
        } else {
            try {
                at = OffsetDateTime.parse(e.date().trim()).toInstant();
            } catch (DateTimeParseException ex) {
                throw invalid(prefix, "expiration.date", "expiration.date must be an ISO-8601 date-time with offset");
            }
            if (!at.isAfter(now)) {
                throw invalid(prefix, "expiration.date", "expiration.date must be in the future");
            }
        }
        if (at.isAfter(now.plus(horizon))) {
            throw invalid(prefix, "expiration.date", "expiration.date must be within " + horizon.toDays() + " days");
        }
        return at;
    }

    private static Duration parseDuration(String value, String prefix) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        } else {
            try {
                d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(prefix, "expiration.duration", "expiration.duration must look like 90s, 30m, 1h, 2d, 1w or PT1H");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw invalid(prefix, "expiration.duration", "expiration.duration must be positive");
        }
        return d;
    }

    private static void checkText(String text, int max, String field, String prefix) {
        if (text != null && text.length() > max) {
            throw invalid(prefix, field, field + " must be at most " + max + " characters");
        }
    }

    private static ApiException invalid(String prefix, String field, String detail) {
        return ApiException.invalid(prefix + field, detail);
    }
}
