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

    /** Demo account for make run. */
    interface Demo {
        /** Create and print a demo account and token when no account exists. */
        @WithDefault("false")
        boolean enabled();
    }
}
