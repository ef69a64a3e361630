package dev.parley.aws;

import dev.parley.common.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * Creates the DynamoDB tables this build uses when they are missing (the queue adapter creates its own
 * queues on the same switch). Idempotent, so every process may run it at start-up; on AWS the template
 * creates them and {@code parley.aws.provision} is off.
 */
@ApplicationScoped
public class AwsProvisioner {

    private static final Logger LOG = Logger.getLogger(AwsProvisioner.class);
    private static final Duration TABLE_WAIT = Duration.ofSeconds(60);

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;
    private final AwsConfig config;

    public AwsProvisioner(DynamoDbAsyncClient dynamo, DynamoTables tables, AwsConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.config = config;
    }

    /** Whether this process creates missing resources ({@code parley.aws.provision}). */
    public boolean enabled() {
        return config.provision();
    }

    /** Creates missing tables and waits until they are active; a no-op when provisioning is off. */
    public void provision() {
        if (!enabled()) {
            return;
        }
        for (CreateTableRequest definition : tables.definitions()) {
            ensureTable(definition);
        }
        tables.ttlAttributes().forEach(this::ensureTtl);
        LOG.infof("Provisioned %d table(s)", tables.definitions().size());
    }

    private void ensureTtl(String table, String attribute) {
        try {
            Blocking.await(dynamo.updateTimeToLive(b -> b.tableName(table)
                    .timeToLiveSpecification(t -> t.enabled(true).attributeName(attribute))));
        } catch (SdkException e) {
            // Enabling twice is an error on AWS, and some emulators lack TTL; expiry is also checked on read.
            LOG.debugf("TTL on %s.%s not changed: %s", table, attribute, e.getMessage());
        }
    }

    private void ensureTable(CreateTableRequest definition) {
        String name = definition.tableName();
        try {
            Blocking.await(dynamo.createTable(definition));
            LOG.infof("Created table %s", name);
        } catch (ResourceInUseException e) {
            // Already there (another process, or an earlier start): wait for it to be active below.
        }
        Instant deadline = Instant.now().plus(TABLE_WAIT);
        while (Instant.now().isBefore(deadline)) {
            try {
                TableStatus status = Blocking.await(dynamo.describeTable(b -> b.tableName(name))).table().tableStatus();
                if (status == TableStatus.ACTIVE) {
                    return;
                }
            } catch (ResourceNotFoundException e) {
                // Not visible yet right after creation: look again.
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for table " + name, e);
            }
        }
        throw new IllegalStateException("Table " + name + " did not become active within " + TABLE_WAIT);
    }
}
