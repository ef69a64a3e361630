package dev.parley.webhook;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A URL an account wants its events POSTed to, with its filters, signing secret and delivery state: the
 * cursor (the last event delivered), the failure count and the lease of the dispatcher delivering it.
 */
// Only changed columns are written: an account's change must not write back the lease, cursor or failure count the
// dispatcher updated after it was read (the endpoint would stall until a stale lease ran out, or deliver twice).
@Entity
@DynamicUpdate
@Table(name = "webhook_endpoint")
public class WebhookEndpoint {

    @Id
    public String id;

    @Column(name = "account_id")
    public String accountId;

    public String name;

    public String url;

    /** Subscribed event types, comma-separated. */
    public String events;

    @Column(name = "device_id")
    public String deviceId;

    public String secret;

    @Column(name = "batch_size")
    public int batchSize;

    @Enumerated(EnumType.STRING)
    public WebhookStatus status;

    /** {@link dev.parley.event.Event#key()} of the last event delivered or passed over by the filters. */
    public String cursor;

    @Column(name = "consecutive_failures")
    public int consecutiveFailures;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "lease_owner")
    public String leaseOwner;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "last_success_at")
    public Instant lastSuccessAt;

    @Column(name = "last_failure_at")
    public Instant lastFailureAt;

    @Column(name = "disabled_at")
    public Instant disabledAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public Set<String> eventTypes() {
        return new LinkedHashSet<>(Arrays.asList(events.split(",")));
    }

    public void eventTypes(Collection<String> types) {
        events = String.join(",", types);
    }
}
