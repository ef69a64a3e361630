package dev.parley.common;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.parley.error.ApiException;

/**
 * A phone number validated and normalised to E.164 by libphonenumber. Numbers must carry their
 * international prefix ({@code +} or {@code 00}) since a gateway has no home region to assume.
 */
public record PhoneNumber(String e164) {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /** Parses and validates {@code raw}; a 400 naming {@code field} when it is not a valid number. */
    public static PhoneNumber of(String raw, String field) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.invalid(field, field + " is required");
        }
        String cleaned = raw.trim();
        if (cleaned.startsWith("00")) {
            cleaned = "+" + cleaned.substring(2);
        }
        if (!cleaned.startsWith("+")) {
            cleaned = "+" + cleaned;
        }
        try {
            Phonenumber.PhoneNumber parsed = UTIL.parse(cleaned, "ZZ");
            if (!UTIL.isValidNumber(parsed)) {
                throw ApiException.invalid(field, field + " is not a valid phone number: use the international format, e.g. +447911123456");
            }
            return new PhoneNumber(UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            throw ApiException.invalid(field, field + " is not a valid phone number: use the international format, e.g. +447911123456");
        }
    }

    @Override
    public String toString() {
        return e164;
    }
}
