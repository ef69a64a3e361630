package dev.parley.webhook;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** One request to a webhook endpoint, kept for its delivery log (the most recent ones per endpoint). */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDelivery {

    /** The request's Parley-Delivery header. */
    @Id
    public String id;

    @Column(name = "endpoint_id")
    public String endpointId;

    @Column(name = "attempted_at")
    public Instant attemptedAt;

    public boolean success;

    @Column(name = "status_code")
    public Integer statusCode;

    @Column(name = "latency_ms")
    public int latencyMs;

    /** Event ids in the request, comma-separated, in order. */
    @Column(name = "event_ids")
    public String eventIds;

    public String error;

    public List<String> eventIdList() {
        return eventIds.isEmpty() ? List.of() : Arrays.asList(eventIds.split(","));
    }
}
