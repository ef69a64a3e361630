package dev.parley.aws;

import dev.parley.config.ParleyConfig;
import dev.parley.queue.OutboundQueue;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;

/**
 * Creates the DynamoDB tables and SQS queues this build uses when they are missing. Idempotent, so every
 * process may run it at start-up; on AWS the template creates them and {@code parley.aws.provision} is off.
 */
@ApplicationScoped
public class AwsProvisioner {

    private static final Logger LOG = Logger.getLogger(AwsProvisioner.class);
    private static final Duration TABLE_WAIT = Duration.ofSeconds(60);

    private final DynamoDbAsyncClient dynamo;
    private final DynamoTables tables;
    private final OutboundQueue queue;
    private final ParleyConfig config;

    public AwsProvisioner(DynamoDbAsyncClient dynamo, DynamoTables tables, OutboundQueue queue, ParleyConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.queue = queue;
        this.config = config;
    }

    /** Creates what is missing and waits until tables are active; a no-op when provisioning is off. */
    public void provision() {
        if (!config.aws().provision()) {
            return;
        }
        for (CreateTableRequest definition : tables.definitions()) {
            ensureTable(definition);
        }
        tables.ttlAttributes().forEach(this::ensureTtl);
        queue.provision(config.shards());
        LOG.infof("Provisioned %d table(s) and %d queue(s)", tables.definitions().size(), config.shards() * 4);
    }

    private void ensureTtl(String table, String attribute) {
        try {
            dynamo.updateTimeToLive(b -> b.tableName(table)
                    .timeToLiveSpecification(t -> t.enabled(true).attributeName(attribute))).join();
        } catch (CompletionException e) {
            // Enabling twice is an error on AWS, and some emulators lack TTL; expiry is also checked on read.
            LOG.debugf("TTL on %s.%s not changed: %s", table, attribute, e.getCause().getMessage());
        }
    }

    private void ensureTable(CreateTableRequest definition) {
        String name = definition.tableName();
        try {
            dynamo.createTable(definition).join();
            LOG.infof("Created table %s", name);
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ResourceInUseException)) {
                throw e;
            }
        }
        Instant deadline = Instant.now().plus(TABLE_WAIT);
        while (Instant.now().isBefore(deadline)) {
            try {
                TableStatus status = dynamo.describeTable(b -> b.tableName(name)).join().table().tableStatus();
                if (status == TableStatus.ACTIVE) {
                    return;
                }
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof ResourceNotFoundException)) {
                    throw e;
                }
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
