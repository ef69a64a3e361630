package dev.parley.driver.baileys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session values under a KMS-wrapped data key, with the sessions table in the local DynamoDB. No KMS emulator runs
 * here, so KMS is a stand-in that wraps keys with AES-GCM under its own master key, as KMS does, and counts calls.
 */
class KmsDataKeysTest {

    private static DynamoDbAsyncClient dynamo;

    @BeforeAll
    static void client() {
        dynamo = BaileysFake.dynamo();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @Test
    void connectors_share_one_generated_data_key_that_only_kms_can_unwrap_and_each_unwraps_it_once() {
        String table = "kms-sessions-" + UUID.randomUUID();
        StandInKms kms = new StandInKms();
        DynamoSessionStore first = store(table, kms);
        first.provision();

        first.saveCreds("dev-1", "{\"noiseKey\":\"secret-material-1\"}");
        first.saveCreds("dev-2", "{\"noiseKey\":\"secret-material-2\"}");
        assertThat(kms.generated.get()).isEqualTo(1);
        assertThat(kms.decrypted.get()).isZero();

        // another connector (a restart, or the one that takes the shard over) reads them with the same key
        DynamoSessionStore second = store(table, kms);
        assertThat(second.creds("dev-1")).contains("{\"noiseKey\":\"secret-material-1\"}");
        assertThat(second.creds("dev-2")).contains("{\"noiseKey\":\"secret-material-2\"}");
        second.saveCreds("dev-3", "{}");
        assertThat(kms.generated.get()).isEqualTo(1);
        assertThat(kms.decrypted.get()).isEqualTo(1);

        Map<String, AttributeValue> creds = item(table, "dev-1", "creds");
        assertThat(creds.get("kid").s()).startsWith("kms:");
        assertThat(new String(creds.get("v").b().asByteArray(), StandardCharsets.ISO_8859_1))
                .doesNotContain("secret-material");
        Map<String, AttributeValue> stored = item(table, DynamoWrappedKeys.PARTITION, "current");
        assertThat(stored.get("kid").s()).isEqualTo(creds.get("kid").s());
        byte[] blob = stored.get("blob").b().asByteArray();
        assertThat(HexFormat.of().formatHex(blob)).doesNotContain(HexFormat.of().formatHex(kms.lastPlaintext));
    }

    private static DynamoSessionStore store(String table, KmsAsyncClient kms) {
        return new DynamoSessionStore(dynamo, table, new KmsDataKeys(kms, "alias/parley-sessions",
                new DynamoWrappedKeys(dynamo, table)));
    }

    private static Map<String, AttributeValue> item(String table, String device, String item) {
        return dynamo.getItem(b -> b.tableName(table).key(Map.of("device", AttributeValue.fromS(device),
                "item", AttributeValue.fromS(item))).consistentRead(true)).join().item();
    }

    /** GenerateDataKey and Decrypt as KMS answers them, the master key never leaving this object. */
    private static final class StandInKms implements KmsAsyncClient {
        private final SecretKeySpec master = new SecretKeySpec(random(32), "AES");
        final AtomicInteger generated = new AtomicInteger();
        final AtomicInteger decrypted = new AtomicInteger();
        volatile byte[] lastPlaintext;

        @Override
        public CompletableFuture<GenerateDataKeyResponse> generateDataKey(GenerateDataKeyRequest request) {
            generated.incrementAndGet();
            byte[] plain = random(32);
            lastPlaintext = plain;
            return CompletableFuture.completedFuture(GenerateDataKeyResponse.builder().keyId(request.keyId())
                    .plaintext(SdkBytes.fromByteArray(plain)).ciphertextBlob(SdkBytes.fromByteArray(wrap(plain))).build());
        }

        @Override
        public CompletableFuture<DecryptResponse> decrypt(DecryptRequest request) {
            decrypted.incrementAndGet();
            return CompletableFuture.completedFuture(DecryptResponse.builder().keyId(request.keyId())
                    .plaintext(SdkBytes.fromByteArray(unwrap(request.ciphertextBlob().asByteArray()))).build());
        }

        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {
        }

        private byte[] wrap(byte[] plain) {
            byte[] nonce = random(12);
            byte[] sealed = crypt(Cipher.ENCRYPT_MODE, nonce, plain);
            return ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
        }

        private byte[] unwrap(byte[] blob) {
            return crypt(Cipher.DECRYPT_MODE, Arrays.copyOf(blob, 12), Arrays.copyOfRange(blob, 12, blob.length));
        }

        private byte[] crypt(int mode, byte[] nonce, byte[] bytes) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(mode, master, new GCMParameterSpec(128, nonce));
                return cipher.doFinal(bytes);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] random(int n) {
            byte[] b = new byte[n];
            new SecureRandom().nextBytes(b);
            return b;
        }
    }

}
