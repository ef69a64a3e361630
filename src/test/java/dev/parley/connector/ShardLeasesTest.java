package dev.parley.connector;

import dev.parley.device.DeviceService;
import dev.parley.driver.sandbox.SandboxConfig;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.message.MessageStore;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several connectors in one process share four shards through leases: the CDI connector plus connectors built
 * here, each with its own sandbox network, all against the same ElasticMQ and dynalite.
 */
@QuarkusTest
@TestProfile(ShardLeasesTest.FourShards.class)
class ShardLeasesTest {

    private static final Logger LOG = Logger.getLogger(ShardLeasesTest.class);
    private static final Set<Integer> ALL = Set.of(0, 1, 2, 3);
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** ADR 0005: a dead connector's shards move within the lease duration plus two heartbeat periods. */
    private static final Duration TAKEOVER_BOUND = LEASE.plus(HEARTBEAT.multipliedBy(2));
    /** Room for a busy build machine on top of the bound; never what the assertions are about. */
    private static final Duration SLACK = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final String TO = "+447911123001";

    /**
     * Four shards, short leases; and receipts as fast as a network can give them, before send returns
     * (ReceiptsAndIncomingTest), which nothing here depends on.
     */
    public static class FourShards implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.shards", "4",
                    "parley.connector.lease-duration", LEASE.toSeconds() + "s",
                    "parley.connector.heartbeat", HEARTBEAT.toSeconds() + "s",
                    "parley.driver.sandbox.delivery-delay", "0ms");
        }
    }

    @Inject
    Connector connector;
    @Inject
    SandboxDriver sandbox;
    @Inject
    ConnectorServices services;
    @Inject
    ConnectorLeases leases;
    @Inject
    ConnectorConfig config;
    @Inject
    SandboxConfig sandboxConfig;
    @Inject
    MessageStore store;

    private final List<Connector> others = new ArrayList<>();
    private final List<SandboxDriver> otherNetworks = new ArrayList<>();

    @BeforeEach
    void theApplicationsConnectorOwnsEverything() {
        connector.start();
        awaitShards(connector, ALL, TIMEOUT);
    }

    @AfterEach
    void stopTheOthers() {
        others.forEach(Connector::stop);
        others.clear();
        awaitShards(connector, ALL, TIMEOUT);
    }

    @Test
    void two_connectors_hold_two_of_four_shards_each_and_keep_them() {
        Connector b = startConnector("b");

        Api.await(() -> connector.shards().size() == 2 && b.shards().size() == 2 ? true : null, TIMEOUT,
                () -> "2 shards each; have " + connector.shards() + " and " + b.shards());
        assertThat(union(connector.shards(), b.shards())).isEqualTo(ALL);
        SortedSet<Integer> mine = connector.shards();

        // Standing by for the other's shards never takes a lease that is renewed.
        await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(2).plus(SLACK))
                .until(() -> connector.shards().equals(mine) && b.shards().equals(complement(mine)));
    }

    @Test
    void three_connectors_split_four_shards_two_one_one() {
        Connector b = startConnector("b");
        Connector c = startConnector("c");

        Api.await(() -> sizes(connector, b, c).equals(List.of(1, 1, 2)) ? true : null, TIMEOUT,
                () -> "shares 2/1/1; have " + connector.shards() + ", " + b.shards() + ", " + c.shards());
        assertThat(union(connector.shards(), b.shards(), c.shards())).isEqualTo(ALL);
    }

    @Test
    void a_killed_connectors_shards_and_messages_are_taken_over_once_its_leases_lapse() {
        Connector b = startConnector("b");
        awaitBalanced(b);
        Api.Tenant tenant = Api.newAccount();
        String device = deviceOnShards(tenant, b.shards());
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        // basic sends 3 a minute: 3 go out through b, 2 wait in its lane when it dies.
        List<String> ids = send(tenant, device, 5, "before the crash");
        SandboxDriver bNetwork = otherNetworks.getFirst();
        Api.await(() -> bNetwork.sent(device).size() == 3 && b.waiting(device) == 2 ? true : null, TIMEOUT,
                () -> "3 sent and 2 waiting at b");

        Instant killed = Instant.now();
        b.stop(false);
        // Queued while nobody owns the device's shard.
        ids.addAll(send(tenant, device, 1, "while orphaned"));

        awaitShards(connector, ALL, TAKEOVER_BOUND.plus(SLACK));
        LOG.infof("Took over a killed connector's shards in %s (bound %s)", Duration.between(killed, Instant.now()),
                TAKEOVER_BOUND);
        for (String id : ids) {
            Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        }
        assertEachSentExactlyOnce(device, ids);
        assertThat(sandbox.sent(device)).hasSize(3);
    }

    @Test
    void a_gracefully_stopped_connector_hands_its_shards_and_waiting_messages_over_at_once() {
        Connector b = startConnector("b");
        awaitBalanced(b);
        Api.Tenant tenant = Api.newAccount();
        String device = deviceOnShards(tenant, b.shards());
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        List<String> ids = send(tenant, device, 5, "hand-over");
        SandboxDriver bNetwork = otherNetworks.getFirst();
        Api.await(() -> bNetwork.sent(device).size() == 3 && b.waiting(device) == 2 ? true : null, TIMEOUT,
                () -> "3 sent and 2 waiting at b");

        Instant stopped = Instant.now();
        b.stop(true);

        // Released leases are taken within two heartbeat periods (ADR 0005); the slack is for a busy machine.
        awaitShards(connector, ALL, HEARTBEAT.multipliedBy(2).plus(SLACK));
        LOG.infof("Took over a stopped connector's shards in %s", Duration.between(stopped, Instant.now()));
        for (String id : ids) {
            Api.awaitStatus(tenant.token(), id, "delivered", TIMEOUT);
        }
        assertEachSentExactlyOnce(device, ids);
        assertThat(sandbox.sent(device)).hasSize(2);
    }

    private Connector startConnector(String name) {
        SecondConnector.Built built = SecondConnector.build(name, services, leases, config, sandboxConfig, store);
        others.add(built.connector());
        otherNetworks.add(built.network());
        built.connector().start();
        return built.connector();
    }

    private void awaitBalanced(Connector other) {
        Api.await(() -> connector.shards().size() == 2 && other.shards().size() == 2 ? true : null, TIMEOUT,
                () -> "2 shards each; have " + connector.shards() + " and " + other.shards());
    }

    /** A new device of the tenant whose shard is one of {@code shards}. */
    private static String deviceOnShards(Api.Tenant tenant, Set<Integer> shards) {
        for (int attempt = 0; attempt < 40; attempt++) {
            String device = Api.newDevice(tenant.token(), "basic");
            if (shards.contains(DeviceService.shardOf(device, ALL.size()))) {
                return device;
            }
        }
        throw new AssertionError("no device landed on shards " + shards);
    }

    private static List<String> send(Api.Tenant tenant, String device, int count, String text) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(Api.send(tenant.token(), Map.of("device", device, "phone", TO, "message", text + " " + i)));
        }
        return ids;
    }

    /** Counted over every connector's network: each message went out once, and nothing else did. */
    private void assertEachSentExactlyOnce(String device, List<String> ids) {
        List<String> sent = Stream.concat(Stream.of(sandbox), otherNetworks.stream())
                .flatMap(network -> network.sent(device).stream())
                .map(SandboxDriver.SentMessage::messageId)
                .toList();
        assertThat(sent).containsExactlyInAnyOrderElementsOf(ids);
    }

    private static void awaitShards(Connector connector, Set<Integer> expected, Duration timeout) {
        Predicate<Connector> holds = c -> c.shards().equals(expected);
        Api.await(() -> holds.test(connector) ? true : null, timeout,
                () -> "shards " + expected + " at " + connector.owner() + "; it has " + connector.shards());
    }

    private static List<Integer> sizes(Connector... connectors) {
        return Stream.of(connectors).map(c -> c.shards().size()).sorted().toList();
    }

    @SafeVarargs
    private static Set<Integer> union(Collection<Integer>... sets) {
        Set<Integer> all = new HashSet<>();
        for (Collection<Integer> set : sets) {
            all.addAll(set);
        }
        return all;
    }

    private static Set<Integer> complement(Set<Integer> shards) {
        Set<Integer> rest = new HashSet<>(ALL);
        rest.removeAll(shards);
        return rest;
    }
}
