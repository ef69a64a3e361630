package dev.parley.driver;

import java.time.Instant;
import java.util.Objects;

/**
 * What a device's owner must enter on the phone to link a device that has no session credentials yet: a QR
 * code's content, or an eight-character pairing code. It is a one-time secret: never log its value.
 *
 * @param expiresAt when the network stops accepting it; a fresh code is offered before then
 */
public record LinkingCode(Kind kind, String value, Instant expiresAt) {

    /** How the code is entered on the phone. */
    public enum Kind { qr, pairing }

    public LinkingCode {
        Objects.requireNonNull(kind, "kind");
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("A linking code needs a value");
        }
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "LinkingCode[" + kind + ", expires " + expiresAt + "]";
    }
}
