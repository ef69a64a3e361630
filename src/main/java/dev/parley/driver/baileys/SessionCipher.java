package dev.parley.driver.baileys;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * AES-GCM for session values: a random 96-bit nonce per value, and the value's place (device and item) as
 * associated data, so a value copied onto another device or key does not decrypt.
 */
final class SessionCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final DataKeys keys;
    private final SecureRandom random = new SecureRandom();

    SessionCipher(DataKeys keys) {
        this.keys = keys;
    }

    /** A sealed value: the id of its data key, and nonce followed by ciphertext and tag. */
    record Sealed(String keyId, byte[] bytes) {
    }

    Sealed seal(String plaintext, String place) {
        DataKeys.DataKey key = keys.current();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return new Sealed(key.id(), ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a session value", e);
        }
    }

    String open(Sealed sealed, String place) {
        DataKeys.DataKey key = keys.byId(sealed.keyId());
        byte[] bytes = sealed.bytes();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Session value at " + place + " does not decrypt (tampered or moved)", e);
        }
    }
}
