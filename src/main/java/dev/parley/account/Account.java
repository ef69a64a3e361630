package dev.parley.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A customer of the gateway: owns devices, tokens and messages; tenants never see each other's data. */
@Entity
@Table(name = "account")
public class Account {

    @Id
    public String id;

    public String name;

    public String email;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The operator's override of the devices-per-account limit; null for the configured default. */
    @Column(name = "max_devices")
    public Integer maxDevices;
}
