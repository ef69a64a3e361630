package dev.parley.driver.baileys;

import dev.parley.common.Blocking;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data keys under AWS KMS ({@code parley.driver.baileys.kms-key}): the first connector asks KMS
 * {@code GenerateDataKey} for an AES-256 key and stores only the wrapped blob ({@link DynamoWrappedKeys}); every
 * connector unwraps a blob with KMS {@code Decrypt} once and keeps the plain key in memory, so KMS is called once
 * per key and process, not per session value. The key id is derived from the blob.
 */
final class KmsDataKeys implements DataKeys {

    private final KmsAsyncClient kms;
    private final String kmsKey;
    private final DynamoWrappedKeys wrapped;
    private final Map<String, DataKey> unwrapped = new ConcurrentHashMap<>();
    private volatile DataKey current;

    KmsDataKeys(KmsAsyncClient kms, String kmsKey, DynamoWrappedKeys wrapped) {
        this.kms = kms;
        this.kmsKey = kmsKey;
        this.wrapped = wrapped;
    }

    @Override
    public DataKey current() {
        DataKey key = current;
        if (key == null) {
            synchronized (this) {
                if (current == null) {
                    current = load();
                }
                key = current;
            }
        }
        return key;
    }

    @Override
    public DataKey byId(String id) {
        return unwrapped.computeIfAbsent(id, missing -> {
            DynamoWrappedKeys.Wrapped stored = wrapped.byId(missing);
            if (stored == null) {
                throw new IllegalStateException("Session value was encrypted under data key " + missing
                        + ", which the sessions table does not hold");
            }
            return unwrap(stored);
        });
    }

    private DataKey load() {
        DynamoWrappedKeys.Wrapped stored = wrapped.current();
        if (stored == null) {
            GenerateDataKeyResponse made = Blocking.await(kms.generateDataKey(b -> b.keyId(kmsKey)
                    .keySpec(DataKeySpec.AES_256)));
            byte[] blob = made.ciphertextBlob().asByteArray();
            DynamoWrappedKeys.Wrapped ours = new DynamoWrappedKeys.Wrapped(idOf(blob), blob);
            stored = wrapped.makeCurrent(ours);
            if (stored.id().equals(ours.id())) {
                DataKey key = new DataKey(ours.id(), new SecretKeySpec(made.plaintext().asByteArray(), "AES"));
                unwrapped.put(key.id(), key);
                return key;
            }
        }
        return byId(stored.id());
    }

    private DataKey unwrap(DynamoWrappedKeys.Wrapped stored) {
        DecryptResponse plain = Blocking.await(kms.decrypt(b -> b.keyId(kmsKey)
                .ciphertextBlob(SdkBytes.fromByteArray(stored.blob()))));
        return new DataKey(stored.id(), new SecretKeySpec(plain.plaintext().asByteArray(), "AES"));
    }

    private static String idOf(byte[] blob) {
        try {
            return "kms:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
