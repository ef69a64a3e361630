package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.driver.WhatsAppDriverContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The driver contract against the Baileys engine: the real sidecar process and Baileys code, only Baileys'
 * socket scripted, sessions in the local DynamoDB.
 */
class BaileysDriverTest implements WhatsAppDriverContract {

    /** A dropped connection stays down this long before the sidecar's reconnect, so the test sees it offline. */
    private static final long RECONNECT_BACKOFF_MILLIS = 2_000;

    private static DynamoDbAsyncClient dynamo;
    private static DynamoSessionStore store;
    private static BaileysConfig config;
    private final List<BaileysDriver> drivers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void sessionsTable() {
        dynamo = BaileysFake.dynamo();
        Path keys = BaileysFake.tempDir().resolve("session.key");
        String table = "baileys-contract-" + UUID.randomUUID();
        config = BaileysFake.config(table, keys);
        store = new DynamoSessionStore(dynamo, table, new LocalDataKeys(keys));
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @AfterEach
    void stopDrivers() {
        drivers.forEach(BaileysDriver::stop);
    }

    private Harness harness(ObjectNode send) {
        BaileysFake.Run run = BaileysFake.run(store, config, BaileysFake.script(send), RECONNECT_BACKOFF_MILLIS);
        drivers.add(run.driver());
        BaileysFake.FakeNetwork network = new BaileysFake.FakeNetwork(run);
        return new Harness(new BaileysFake.AutoLinking(run.driver(), network), network);
    }

    @Override
    public Harness harness() {
        ObjectNode send = BaileysFake.JSON.createObjectNode().put("receiptDelayMs", 100);
        send.putArray("receiptsAfter").add(2).add(3);
        return harness(send);
    }

    @Override
    public Harness instantlyAcknowledgingHarness() {
        ObjectNode send = BaileysFake.JSON.createObjectNode();
        send.putArray("receiptsBefore").add(2).add(3);
        return harness(send);
    }
}
