package dev.parley.file.http;

import dev.parley.error.ApiException;
import dev.parley.file.FileService.UploadRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Reads an upload's optional fields: {@code expiresAt} (ISO date-time, or {@code never}) or {@code expiration} (a duration like 7d, 12h, PT30M). */
final class UploadParams {

    private UploadParams() {
    }

    static UploadRequest parse(String filename, String expiresAt, String expiration, String reference,
                               String declaredType, Clock clock) {
        boolean never = false;
        Instant at = null;
        if (expiresAt != null && !expiresAt.isBlank()) {
            String value = expiresAt.trim();
            if (value.equalsIgnoreCase("never") || value.equalsIgnoreCase("null")) {
                never = true;
            } else {
                try {
                    at = OffsetDateTime.parse(value).toInstant();
                } catch (DateTimeParseException e) {
                    throw ApiException.invalid("expiresAt", "expiresAt must be an ISO-8601 date-time with offset, or never");
                }
            }
        } else if (expiration != null && !expiration.isBlank()) {
            String value = expiration.trim().toLowerCase(Locale.ROOT);
            if (value.equals("never")) {
                never = true;
            } else {
                at = clock.instant().plus(duration(value));
            }
        }
        return new UploadRequest(filename, declaredType, at, never, reference);
    }

    private static Duration duration(String value) {
        try {
            if (value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 'd' -> Duration.ofDays(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'm' -> Duration.ofMinutes(amount);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw ApiException.invalid("expiration", "expiration must be a duration such as 7d, 12h, 30m or PT1H, or never");
        }
    }
}
