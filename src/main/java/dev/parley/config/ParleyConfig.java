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

    /** Demo account created on first start (make run). */
    Demo demo();

    /** A role this process can play. */
    enum Role { api, connector, jobs }

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

    /** Demo account for make run. */
    interface Demo {
        /** Create and print a demo account and token when no account exists. */
        @WithDefault("false")
        boolean enabled();
    }
}
