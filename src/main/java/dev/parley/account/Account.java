package dev.parley.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/** A customer of the gateway: owns devices, tokens and messages; tenants never see each other's data. */
// Only changed columns are written: billing's conditional updates (customer, aggregated subscription, VAT) are not
// undone by a change that read the account before them.
@Entity
@DynamicUpdate
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

    /** The account's Stripe customer (billing on); null until its first paid device. */
    @Column(name = "stripe_customer")
    public String stripeCustomer;

    /** The one subscription paying for all the account's devices once it had more than 20 (billing on); else null. */
    @Column(name = "aggregated_subscription")
    public String aggregatedSubscription;

    /** ISO 3166-1 alpha-2 country of the billing address; decides VAT. */
    @Column(name = "billing_country")
    public String billingCountry;

    /** EU VAT number as given; only a verified one means reverse charge. */
    @Column(name = "vat_number")
    public String vatNumber;

    /** Argon2id hash of the console password ({@link Passwords}); null: no console sign-in. */
    @Column(name = "password_hash")
    public String passwordHash;

    /** Whether Stripe verified {@link #vatNumber}. */
    @Column(name = "vat_verified")
    public boolean vatVerified;
}
