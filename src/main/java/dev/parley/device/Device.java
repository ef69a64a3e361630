package dev.parley.device;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A linked WhatsApp account of a customer; it belongs to one account and one shard. */
@Entity
@Table(name = "device")
public class Device {

    @Id
    public String id;

    @Column(name = "account_id")
    public String accountId;

    public String name;

    public String phone;

    public String plan;

    public int shard;

    @Enumerated(EnumType.STRING)
    public DeviceStatus status;

    @Column(name = "status_at")
    public Instant statusAt;

    @Column(name = "created_at")
    public Instant createdAt;

    /** When the owner was emailed about the current outage; null while online or not yet alerted. */
    @Column(name = "outage_alerted_at")
    public Instant outageAlertedAt;
}
