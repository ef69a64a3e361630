package dev.parley.app;

import dev.parley.account.DemoAccount;
import dev.parley.config.ParleyConfig;
import dev.parley.config.Roles;
import dev.parley.aws.AwsProvisioner;
import dev.parley.connector.Connector;
import dev.parley.driver.DriverConfig;
import dev.parley.queue.OutboundQueue;
import dev.parley.webhook.WebhookDispatcher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Start-up and shutdown in one explicit order: resources, demo account, then the roles that run threads. */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final AwsProvisioner provisioner;
    private final OutboundQueue queue;
    private final DemoAccount demo;
    private final Connector connector;
    private final WebhookDispatcher webhooks;
    private final Roles roles;
    private final ParleyConfig config;
    private final DriverConfig driver;

    public Lifecycle(AwsProvisioner provisioner, OutboundQueue queue, DemoAccount demo, Connector connector,
                     WebhookDispatcher webhooks, Roles roles, ParleyConfig config, DriverConfig driver) {
        this.provisioner = provisioner;
        this.queue = queue;
        this.demo = demo;
        this.connector = connector;
        this.webhooks = webhooks;
        this.roles = roles;
        this.config = config;
        this.driver = driver;
    }

    void onStart(@Observes StartupEvent event) {
        LOG.infof("Parley starting with roles %s, %d shard(s), driver %s", config.roles(), config.shards(),
                driver.type());
        provisioner.provision();
        if (provisioner.enabled()) {
            queue.provision(config.shards());
        }
        if (config.demo().enabled()) {
            demo.ensure();
        }
        if (roles.connector()) {
            connector.start();
        }
        if (roles.jobs()) {
            webhooks.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        webhooks.stop();
        connector.stop(true);
    }
}
