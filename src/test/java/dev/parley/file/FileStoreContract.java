package dev.parley.file;

import dev.parley.file.store.FileStore;
import dev.parley.file.store.FileStore.ByteRange;
import dev.parley.file.store.FileStore.MissingObjectException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link FileStore} must do; implementations' tests implement this interface. */
public interface FileStoreContract {

    FileStore store();

    private static String key() {
        return "contract/" + UUID.randomUUID();
    }

    @Test
    default void aStreamedObjectReadsBackWhole() throws IOException {
        String key = key();
        byte[] bytes = "hello, files".getBytes(StandardCharsets.UTF_8);
        long written = store().put(key, new ByteArrayInputStream(bytes), "text/plain");
        assertThat(written).isEqualTo(bytes.length);
        try (InputStream in = store().get(key, null)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store().head(key)).hasValueSatisfying(info -> assertThat(info.size()).isEqualTo(bytes.length));
        store().delete(key);
    }

    @Test
    default void aRangeReadsExactlyThoseBytes() throws IOException {
        String key = key();
        store().put(key, new ByteArrayInputStream("0123456789".getBytes(StandardCharsets.US_ASCII)), "text/plain");
        try (InputStream in = store().get(key, new ByteRange(2, 5))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("2345");
        }
        store().delete(key);
    }

    @Test
    default void aDeletedObjectIsGoneAndDeletingAgainIsFine() throws IOException {
        String key = key();
        store().put(key, new ByteArrayInputStream(new byte[]{1, 2, 3}), "application/octet-stream");
        store().delete(key);
        assertThat(store().head(key)).isEmpty();
        store().delete(key);
        assertThat(store().list(key)).isEmpty();
    }

    @Test
    default void aMissingObjectIsReportedAsMissing() {
        String key = key();
        assertThat(store().head(key)).isEmpty();
        assertThatThrownBy(() -> store().get(key, null)).isInstanceOf(MissingObjectException.class);
    }

    @Test
    default void aCopyHasTheSameBytes() throws IOException {
        String from = key();
        String to = key();
        store().put(from, new ByteArrayInputStream(new byte[]{7, 8, 9}), "application/octet-stream");
        store().copy(from, to);
        try (InputStream in = store().get(to, null)) {
            assertThat(in.readAllBytes()).containsExactly(7, 8, 9);
        }
        store().delete(from);
        store().delete(to);
    }

    @Test
    default void aFailingStreamLeavesNoObject() {
        String key = key();
        InputStream failing = new InputStream() {
            private final InputStream data = new GeneratedBytes(12L * 1024 * 1024, 3);

            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = data.read(b, off, len);
                if (n == -1) {
                    throw new IOException("client went away");
                }
                return n;
            }
        };
        assertThatThrownBy(() -> store().put(key, failing, "application/octet-stream")).isInstanceOf(IOException.class);
        assertThat(store().list(key)).isEmpty();
    }

    @Test
    default void aLargeObjectStreamsThroughMultipartWithBoundedHeap() throws Exception {
        String key = key();
        long size = 50L * 1024 * 1024 + 12345;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        long before = usedHeapAfterGc();
        long start = System.nanoTime();
        long written = store().put(key, new DigestInputStream(new GeneratedBytes(size, 42), sent),
                "application/octet-stream");
        double seconds = (System.nanoTime() - start) / 1e9;
        long growth = usedHeapAfterGc() - before;
        System.out.printf("FileStore put of %d bytes: %.2f s, %.1f MB/s, heap growth after GC %d KB%n",
                size, seconds, size / 1048576.0 / seconds, growth / 1024);
        assertThat(written).isEqualTo(size);
        assertThat(growth).isLessThan(20L * 1024 * 1024);

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long readBytes = 0;
        try (InputStream in = store().get(key, null)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) != -1; ) {
                read.update(buffer, 0, n);
                readBytes += n;
            }
        }
        assertThat(readBytes).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(read.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        store().delete(key);
    }

    /** Used heap after a full collection, in bytes. */
    static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
