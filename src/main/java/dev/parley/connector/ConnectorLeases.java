package dev.parley.connector;

import dev.parley.aws.DynamoTables;
import dev.parley.config.ParleyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Opens a connector's {@link ShardLeases} on the leases table, and says how many shards there are to share. */
@ApplicationScoped
public class ConnectorLeases {

    private final DynamoDbClient dynamo;
    private final DynamoTables tables;
    private final ConnectorConfig config;
    private final int shards;

    public ConnectorLeases(DynamoDbClient dynamo, DynamoTables tables, ConnectorConfig config, ParleyConfig parley) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.config = config;
        this.shards = parley.shards();
    }

    /** The number of shards ({@code parley.shards}). */
    public int shards() {
        return shards;
    }

    /** Leases for {@code owner}, not yet started, that report gained and lost shards to {@code listener}. */
    ShardLeases open(String owner, ShardLeases.Listener listener) {
        return new ShardLeases(dynamo, tables.leases(), shards, config.leaseDuration(), config.heartbeat(), owner,
                listener);
    }
}
