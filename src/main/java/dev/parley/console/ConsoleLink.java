package dev.parley.console;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A one-time console link sent by email; the link holds a random token, stored only as its SHA-256. */
@Entity
@Table(name = "console_link")
public class ConsoleLink {

    /** What a link lets its holder do. */
    public enum Purpose {
        /** Sign in without the password. */
        sign_in,
        /** Sign in once and set the console password: the operator's invitation of a new owner. */
        invite
    }

    @Id
    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "account_id")
    public String accountId;

    @Enumerated(EnumType.STRING)
    public Purpose purpose;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;
}
