package dev.parley.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Every Parley setting, in one typed place; see application.properties for the defaults per profile. */
@ConfigMapping(prefix = "parley")
public interface ParleyConfig {

    /** Roles this process plays: any of api, connector, jobs. */
    @WithDefault("api,connector,jobs")
    Set<Role> roles();

    /** Number of shards devices are spread over; each shard has its own queues. Never lower it on a live system. */
    @WithDefault("2")
    int shards();

    /** Key that authorizes operator endpoints (account creation, sandbox controls), sent as the Operator-Key header. */
    @WithName("operator-key")
    Optional<String> operatorKey();

    /** Names and creation of cloud resources. */
    Aws aws();

    /** REST API limits. */
    Api api();

    /** Access to {@code /q/metrics}. */
    Metrics metrics();

    /** Access to {@code /q/metrics}. */
    interface Metrics {
        /**
         * Whether {@code /q/metrics} is open to anyone who reaches the port; otherwise it needs the operator key
         * (Operator-Key header or {@code Authorization: Bearer}). Open only under {@code make run} (loopback).
         */
        @WithDefault("false")
        boolean open();
    }

    /** Connector behaviour. */
    Connector connector();

    /** Message acceptance rules. */
    Messages messages();

    /** Periodic jobs. */
    Jobs jobs();

    /** The events outbox. */
    Events events();

    /** The events outbox. */
    interface Events {
        /** How long events are kept (DynamoDB TTL); webhooks disabled longer than this miss events. */
        @WithDefault("7d")
        Duration retention();
    }

    /** Webhook endpoints and their dispatcher. */
    Webhooks webhooks();

    /** Webhook endpoints and their dispatcher (the jobs role). */
    interface Webhooks {
        /** Most webhook endpoints one account may have. */
        @WithDefault("5")
        int maxPerAccount();

        /**
         * How old an event must be before it is dispatched: an event is stamped before its write lands, so
         * a write slower than this could otherwise be passed by an endpoint's cursor.
         */
        @WithDefault("1s")
        Duration settle();

        /** Period of the timer sweep that picks up retries and events appended by other processes. */
        @WithDefault("5s")
        Duration sweepEvery();

        /** Time allowed to open the TCP (and TLS) connection to a receiver. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Time allowed for one whole request, from connecting to the response status. */
        @WithDefault("10s")
        Duration timeout();

        /** Immediate retries of a failed request within one delivery attempt, before it counts as a failure. */
        @WithDefault("2")
        int retries();

        /** Delay before the first immediate retry; doubles per retry, with up to a quarter of it as jitter. */
        @WithDefault("1s")
        Duration retryDelay();

        /** Wait after a failed delivery attempt before the next one; doubles per consecutive failure. */
        @WithDefault("10s")
        Duration backoff();

        /** Longest wait between delivery attempts of a failing endpoint. */
        @WithDefault("15m")
        Duration backoffMax();

        /** Consecutive failed delivery attempts after which an endpoint is disabled and its owner emailed. */
        @WithDefault("10")
        int disableAfter();

        /** Delivery attempts kept per endpoint for GET /v1/webhooks/{id}/logs. */
        @WithDefault("100")
        int logsKept();

        /** Most deliveries in flight at once in this process (one per endpoint). */
        @WithDefault("64")
        int maxConcurrent();

        /** Whether webhook URLs must use https. */
        @WithDefault("true")
        boolean requireHttps();

        /**
         * Whether webhook URLs may target loopback, private, link-local, unspecified, multicast and other
         * non-public addresses (checked at creation and, after DNS resolution, before every request).
         */
        @WithDefault("false")
        boolean allowPrivateTargets();
    }

    /** The WhatsApp driver implementation and the sandbox network's rules. */
    Driver driver();

    /** Demo account created on first start (make run). */
    Demo demo();

    /** A role this process can play. */
    enum Role { api, connector, jobs }

    /** Cloud resource naming. */
    interface Aws {
        /** Prefix of every SQS queue name: queues are {prefix}-{shard}-{priority}. */
        @WithDefault("parley")
        String queuePrefix();

        /** Prefix of every DynamoDB table name. */
        @WithDefault("parley-")
        String tablePrefix();

        /** Create missing tables and queues at start-up (local and test); on AWS the template creates them. */
        @WithDefault("true")
        boolean provision();
    }

    /** REST API limits. */
    interface Api {
        /** Largest accepted request body, in bytes; larger ones get 413. */
        @WithDefault("2097152")
        long maxBodyBytes();

        /** Page size used when a listing request names none. */
        @WithDefault("50")
        int defaultPageSize();

        /** Largest page size a listing accepts. */
        @WithDefault("500")
        int maxPageSize();

        /** Most API tokens one account may hold at once. */
        @WithDefault("50")
        int maxTokensPerAccount();

        /**
         * Longest request path, in characters, before decoding; longer ones get a 414 problem. Request lines
         * beyond {@code quarkus.http.limits.max-initial-line-length} are refused by the HTTP layer itself.
         */
        @WithDefault("2048")
        int maxPathLength();

        /** Longest query string, in characters, before decoding; longer ones get a 414 problem. */
        @WithDefault("8192")
        int maxQueryLength();
    }

    /** Message acceptance rules. */
    interface Messages {
        /** Latest deliverAt (and expiration) accepted, from now. */
        @WithDefault("365d")
        Duration scheduleHorizon();

        /**
         * Messages due within this lead are queued at once with an SQS delivery delay; later ones stay
         * scheduled until the promotion job queues them. At most 15 minutes, SQS's delay ceiling.
         */
        @WithDefault("15m")
        Duration scheduleLead();

        /** Most messages in one bulk request. */
        @WithDefault("500")
        int bulkMax();

        /** How long an Idempotency-Key is remembered. */
        @WithDefault("24h")
        Duration idempotencyRetention();
    }

    /** Periodic jobs (the jobs role). */
    interface Jobs {
        /** How often scheduled messages due soon are moved into their queue. */
        @WithDefault("30s")
        Duration promoteEvery();

        /** How often records whose queue write was not confirmed are re-enqueued. */
        @WithDefault("60s")
        Duration repairEvery();

        /** Age after which an unconfirmed queue write is considered lost and repaired. */
        @WithDefault("60s")
        Duration repairAfter();
    }

    /** Connector behaviour. */
    interface Connector {
        /** SQS long-poll wait per receive call. */
        @WithDefault("2s")
        Duration pollWait();

        /** Visibility timeout of a received entry; renewed while the entry waits in its device's lane. */
        @WithDefault("120s")
        Duration visibilityTimeout();

        /** How long a device stays offline before its owner is emailed (once per outage). */
        @WithDefault("5m")
        Duration unreachableAfter();

        /** Delay before an entry that found its device's lane full is handed out again. */
        @WithDefault("30s")
        Duration overflowDelay();

        /** How often device sessions are reconciled with the devices in PostgreSQL. */
        @WithDefault("2s")
        Duration deviceRefresh();

        /** Delay before a message for an offline device is looked at again. */
        @WithDefault("10s")
        Duration offlineRecheck();

        /** Delay before a transient driver failure is retried (doubles per attempt). */
        @WithDefault("2s")
        Duration retryBackoff();

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

    /** The WhatsApp driver. */
    interface Driver {
        /** Implementation: sandbox (simulated network). */
        @WithDefault("sandbox")
        String type();

        /** Rules of the simulated network. */
        Sandbox sandbox();
    }

    /** Rules of the simulated WhatsApp network. */
    interface Sandbox {
        /** Regular expression over the E.164 number: matching numbers are not on WhatsApp. */
        @WithDefault(".*0000$")
        String notOnWhatsapp();

        /** Regular expression over the E.164 number: sends to matching numbers fail transiently. */
        @WithDefault(".*9999$")
        String transientFailure();

        /** Simulated time a send takes. */
        @WithDefault("20ms")
        Duration sendLatency();

        /** Time between a send and its delivery receipt. */
        @WithDefault("200ms")
        Duration deliveryDelay();

        /** Whether a new device comes online as soon as its session starts (no QR scan in the sandbox). */
        @WithDefault("true")
        boolean autoOnline();
    }

    /** Demo account for make run. */
    interface Demo {
        /** Create and print a demo account and token when no account exists. */
        @WithDefault("false")
        boolean enabled();
    }
}
