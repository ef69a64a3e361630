package dev.parley.console;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A signed-in console session; the cookie holds a random id, stored only as its SHA-256. */
@Entity
@Table(name = "console_session")
public class ConsoleSession {

    @Id
    @Column(name = "id_hash")
    public String idHash;

    @Column(name = "account_id")
    public String accountId;

    /** The form token every console POST must carry. */
    public String csrf;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;
}
