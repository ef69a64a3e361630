package dev.parley.common;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Creates 24-hex-character ids in the shape the modelled service uses: four bytes of seconds since
 * the epoch, then eight random bytes, so ids sort roughly by creation time.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId(Instant now) {
        byte[] bytes = new byte[12];
        long seconds = now.getEpochSecond();
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        System.arraycopy(random, 0, bytes, 4, 8);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The id of something already named elsewhere by {@code key} (an incoming message by its device and WhatsApp
     * id): the same time and key give the same id, so a retried write stores the same item again.
     */
    public static String derived(Instant at, String key) {
        byte[] bytes = new byte[12];
        long seconds = at.getEpochSecond();
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            System.arraycopy(digest, 0, bytes, 4, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
        return HexFormat.of().formatHex(bytes);
    }

    public static boolean isId(String value) {
        return value != null && value.matches("[0-9a-f]{24}");
    }

    /** Random URL-safe secret of the given number of bytes of entropy. */
    public static String secret(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
