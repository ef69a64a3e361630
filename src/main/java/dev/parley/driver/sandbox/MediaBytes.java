package dev.parley.driver.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What the simulated network received of a media file: its SHA-256 and size, read from the local copy. */
record MediaBytes(String sha256, long size) {

    /** The bytes at a {@code file:} URI or absolute path, or null when there is no such readable file. */
    static MediaBytes read(String location) {
        if (location == null) {
            return null;
        }
        Path path;
        try {
            path = location.startsWith("file:") ? Path.of(URI.create(location))
                    : location.startsWith("/") ? Path.of(location) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (path == null || !Files.isRegularFile(path)) {
            return null;
        }
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
            long size = in.transferTo(OutputStream.nullOutputStream());
            return new MediaBytes(HexFormat.of().formatHex(digest.digest()), size);
        } catch (IOException e) {
            return null;
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
