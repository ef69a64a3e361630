package dev.parley.file;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A file as an account uploaded it; its bytes are the account's blob with the same SHA-256. */
@Entity
@Table(name = "file")
public class StoredFile {

    @Id
    public String id;

    @Column(name = "account_id")
    public String accountId;

    public String name;

    public long size;

    @Column(name = "mime_type")
    public String mimeType;

    public String sha256;

    @Enumerated(EnumType.STRING)
    public FileKind kind;

    @Column(name = "expires_at")
    public Instant expiresAt;

    public String reference;

    @Column(name = "created_at")
    public Instant createdAt;

    /** Where the bytes of an account's content live in the store. */
    public static String contentKey(String accountId, String sha256) {
        return "files/" + accountId + "/" + sha256;
    }

    public String contentKey() {
        return contentKey(accountId, sha256);
    }
}
