package dev.parley.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Signs webhook requests: {@code Parley-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>},
 * where the timestamp is the {@code Parley-Timestamp} header and the body the raw bytes sent.
 */
public final class WebhookSigner {

    /** Version prefix of the signature scheme, so a future scheme can be sent alongside. */
    public static final String SCHEME = "v1";

    private WebhookSigner() {
    }

    /** The {@code Parley-Signature} header value for a body sent at {@code timestampSeconds}. */
    public static String signature(String secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return SCHEME + "=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
        }
    }
}
