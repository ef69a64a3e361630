package dev.parley.connector;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Connector behaviour: polling, visibility, retries, device refresh and shard leases ({@code parley.connector}). */
@ConfigMapping(prefix = "parley.connector")
public interface ConnectorConfig {

    /** SQS long-poll wait per receive call. */
    @WithDefault("2s")
    Duration pollWait();

    /** Visibility timeout of a received entry; renewed while the entry waits in its device's lane. */
    @WithDefault("120s")
    Duration visibilityTimeout();

    /** How long a device stays offline before its owner is emailed (once per outage). */
    @WithDefault("5m")
    Duration unreachableAfter();

    /** Delay before an entry that reached its device's lane as the lane closed is handed out again. */
    @WithDefault("30s")
    Duration overflowDelay();

    /**
     * How long a handled entry waits for others before they are acknowledged (deleted) together, ten to an SQS
     * call; zero deletes each at once.
     */
    @WithDefault("100ms")
    Duration ackLinger();

    /**
     * How long an idle lane, or one whose device just came online, gathers arriving entries before its first
     * send, so that a burst is sent by priority rather than by arrival.
     */
    @WithDefault("300ms")
    Duration gatherWindow();

    /**
     * The most entries one device's lane keeps in memory, whatever its plan's rate (a lane keeps five minutes
     * of sends, at least 50); what does not fit is held in DynamoDB and released as the lane drains.
     */
    @WithDefault("1000")
    int laneMaxEntries();

    /**
     * How long a lane handing its device over waits for a send in flight before interrupting it: an interrupted send
     * is settled by the claim rules (ADR 0008), a finished one needs nothing.
     */
    @WithDefault("10s")
    Duration handOverGrace();

    /**
     * The window a plan's rate counts sends in: the plan's messages per minute are allowed in any window of
     * this length. One minute in service; the benchmark shortens it to measure rate fidelity in seconds.
     */
    @WithDefault("1m")
    Duration rateWindow();

    /**
     * How long after a hold a device's held index may still not show it (DynamoDB's global secondary indexes show a
     * write a moment after it lands): a release that finds the index empty sooner does not take the device off the
     * held sweep.
     */
    @WithDefault("5s")
    Duration heldIndexSettle();

    /** How often device sessions are reconciled with the devices in PostgreSQL. */
    @WithDefault("2s")
    Duration deviceRefresh();

    /**
     * How often the device commands of owned shards (link, pairing code, logout, number check; ADR 0012) are looked
     * for; a command submitted in this same process is run at once.
     */
    @WithDefault("1s")
    Duration commandPoll();

    /** Delay before a message for an offline device is looked at again. */
    @WithDefault("10s")
    Duration offlineRecheck();

    /** Delay before a transient driver failure is retried (doubles per attempt). */
    @WithDefault("2s")
    Duration retryBackoff();

    /**
     * How long a claim on a message lets one sender finish its attempt (send and record the outcome) before
     * another may look at it again; far longer than a send takes (ADR 0008).
     */
    @WithDefault("5m")
    Duration claimLease();

    /** Retries of a failed write of a send's outcome (sent, failed, back to queued) before it is left to the lease. */
    @WithDefault("6")
    int outcomeRetries();

    /** Delay before the first retry of an outcome write; doubles per retry. */
    @WithDefault("100ms")
    Duration outcomeRetryDelay();

    /** Attempts after a transient driver failure before the message fails. */
    @WithDefault("5")
    int retries();

    /**
     * Whether connectors share the shards through leases in DynamoDB (ADR 0005). Off, this connector owns every
     * shard, which is only right when it is the only one.
     */
    @WithDefault("true")
    boolean leases();

    /**
     * How long a shard lease stays valid without a heartbeat. A dead connector's shards are taken over within
     * this plus two heartbeat periods.
     */
    @WithDefault("20s")
    Duration leaseDuration();

    /** How often leases are renewed and free or lapsed ones are tried; at most half the lease duration. */
    @WithDefault("5s")
    Duration heartbeat();

    /** Start of this connector's lease owner id (e.g. the host name); every start adds a random suffix. */
    @WithDefault("connector")
    String name();
}
