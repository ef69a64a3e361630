package dev.parley.aws;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Names and creation of cloud resources ({@code parley.aws.*}). */
@ConfigMapping(prefix = "parley.aws")
public interface AwsConfig {

    /** Prefix of every SQS queue name: queues are {prefix}-{shard}-{priority}. */
    @WithDefault("parley")
    String queuePrefix();

    /** Prefix of every DynamoDB table name. */
    @WithDefault("parley-")
    String tablePrefix();

    /**
     * Receives after which SQS moves an entry to its queue's dead-letter queue ({prefix}-{shard}-{priority}-dlq),
     * set on the queues this process creates; template.yaml sets the same on AWS. High on purpose: every
     * transient-failure retry and connector takeover is one more receive of a healthy entry (ADR 0004).
     */
    @WithDefault("1000")
    int maxReceiveCount();

    /** Create missing tables and queues at start-up (local and test); on AWS the template creates them. */
    @WithDefault("true")
    boolean provision();
}
