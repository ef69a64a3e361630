package dev.parley.driver.baileys;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * One AES-256 data key in a local file, created (mode 0600) when missing: for {@code make run} and a single
 * server. Its id is derived from the key itself, so a value encrypted under another key file is refused by
 * name instead of failing as corrupt.
 */
public final class LocalDataKeys implements DataKeys {

    private static final int KEY_BYTES = 32;

    private final DataKey key;

    public LocalDataKeys(Path file) {
        byte[] bytes = readOrCreate(file);
        this.key = new DataKey(idOf(bytes), new SecretKeySpec(bytes, "AES"));
    }

    @Override
    public DataKey current() {
        return key;
    }

    @Override
    public DataKey byId(String id) {
        if (!key.id().equals(id)) {
            throw new IllegalStateException("Session value was encrypted under data key " + id
                    + ", but this connector holds " + key.id() + " (another session.key file?)");
        }
        return key;
    }

    private static byte[] readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                byte[] fresh = new byte[KEY_BYTES];
                new SecureRandom().nextBytes(fresh);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(file, fresh);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it first: use theirs
                } catch (UnsupportedOperationException notPosix) {
                    Files.write(file, fresh);
                }
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != KEY_BYTES) {
                throw new IllegalStateException("Data key file " + file + " must hold exactly " + KEY_BYTES
                        + " bytes, found " + bytes.length);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the data key file " + file, e);
        }
    }

    private static String idOf(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return "local:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
