package dev.parley.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Set;

/** An API token of an account, stored only as a SHA-256 hash; the plain token is shown once at creation. */
@Entity
@Table(name = "api_token")
public class ApiToken {

    @Id
    public String id;

    @Column(name = "account_id")
    public String accountId;

    public String name;

    @Column(name = "token_hash")
    public String tokenHash;

    public String prefix;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** The devices the token is limited to; null for every device of the account. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "devices", columnDefinition = "text[]")
    public String[] devices;

    @Column(name = "read_only")
    public boolean readOnly;

    /** What the token may do. */
    public Access access() {
        return new Access(accountId, devices == null ? Set.of() : Set.of(devices), readOnly);
    }
}
