package dev.parley.device;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/** A linked WhatsApp account of a customer; it belongs to one account and one shard. */
// Only changed columns are written: a rename or plan change must not write back a status the connector, or a
// billing state the billing jobs, recorded after the device was read.
@Entity
@DynamicUpdate
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

    /** Where the device's subscription stands (billing on); null when it is not billed. */
    @Enumerated(EnumType.STRING)
    @Column(name = "billing_status")
    public BillingStatus billingStatus;

    /** The Stripe subscription paying for the device (its own, or the account's aggregated one). */
    @Column(name = "subscription_id")
    public String subscriptionId;

    /** Where the owner pays for the device while it is pending payment. */
    @Column(name = "checkout_url")
    public String checkoutUrl;

    /** End of the paid period. */
    @Column(name = "period_end")
    public Instant periodEnd;

    /** When the device's plan last changed (or its subscription started): the 7-day downgrade rule counts from it. */
    @Column(name = "plan_changed_at")
    public Instant planChangedAt;

    /** When the current unpaid invoice first failed; the grace period counts from it. */
    @Column(name = "payment_failed_at")
    public Instant paymentFailedAt;

    /** Since when the operator grants the device for free ({@link BillingStatus#granted}); null otherwise. */
    @Column(name = "granted_at")
    public Instant grantedAt;

    /** The operator's reason for a grant; for operators only. */
    @Column(name = "grant_note")
    public String grantNote;
}
