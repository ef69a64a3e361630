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

    /** Create missing tables and queues at start-up (local and test); on AWS the template creates them. */
    @WithDefault("true")
    boolean provision();
}
