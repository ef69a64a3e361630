package dev.parley.connector;

import dev.parley.driver.sandbox.SandboxConfig;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.message.MessageStore;

/**
 * Builds another connector in the test process, on its own sandbox network, sharing the application's
 * queues, stores and leases table: what a second Parley process would run.
 */
final class SecondConnector {

    private SecondConnector() {
    }

    /** A connector and the network it sends through. */
    record Built(Connector connector, SandboxDriver network) {
    }

    static Built build(String name, ConnectorServices application, ConnectorLeases leases, ConnectorConfig config,
                       SandboxConfig sandbox, MessageStore store) {
        SandboxDriver network = new SandboxDriver(sandbox, application.clock());
        MessageSender sender = new MessageSender(store, application.queue(), network,
                application.sender().media(), config, application.clock(), new RecentSends(),
                application.sender().acks(), application.sender().stages());
        ConnectorServices own = new ConnectorServices(application.queue(), sender, application.held(),
                application.directory(), application.recorder(), network, application.commands(), application.clock());
        return new Built(new Connector(own, leases, config, name), network);
    }
}
