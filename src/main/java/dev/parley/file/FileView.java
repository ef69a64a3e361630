package dev.parley.file;

import java.time.Instant;

/** A file as the API shows it. {@code expiresAt} null means it is kept until deleted. */
public record FileView(String id, String name, long size, String mimeType, String sha256, FileKind kind,
                       Instant expiresAt, String reference, Instant createdAt) {

    public static FileView of(StoredFile f) {
        return new FileView(f.id, f.name, f.size, f.mimeType, f.sha256, f.kind, f.expiresAt, f.reference, f.createdAt);
    }
}
