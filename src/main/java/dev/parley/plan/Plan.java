package dev.parley.plan;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A billing plan with its send rate, allowances and feature flags; plans are data, seeded by migration. */
@Entity
@Table(name = "plan")
public class Plan {

    @Id
    public String name;

    @Column(name = "messages_per_minute")
    public int messagesPerMinute;

    @Column(name = "monthly_messages")
    public Integer monthlyMessages;

    @Column(name = "monthly_media_mb")
    public Integer monthlyMediaMb;

    public boolean priorities;

    public boolean scheduling;

    @Column(name = "groups_enabled")
    public boolean groups;

    public boolean incoming;

    /** Price per month in minor units of {@link #currency}, tax-exclusive (billing on). */
    @Column(name = "monthly_price")
    public int monthlyPrice;

    /** ISO 4217 code, lower case as Stripe writes it. */
    public String currency;

    /** Messages a month includes before overage; null for unlimited. */
    @Column(name = "included_messages")
    public Integer includedMessages;

    /** Media messages a month includes before overage; null for unlimited. */
    @Column(name = "included_media")
    public Integer includedMedia;

    /** Price of each message beyond the included amounts, in minor units. */
    @Column(name = "overage_price")
    public int overagePrice;
}
