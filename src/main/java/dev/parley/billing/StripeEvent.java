package dev.parley.billing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A Stripe event already handled, kept so that a replayed or re-sent event does nothing. */
@Entity
@Table(name = "stripe_event")
public class StripeEvent {

    @Id
    public String id;

    public String type;

    @Column(name = "received_at")
    public Instant receivedAt;
}
