package dev.parley.connector;

import dev.parley.config.ParleyConfig;
import dev.parley.config.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the connector: its shard ownership (which shards it holds out of how many) and whether it keeps
 * its leases; down while it is stopped or cannot renew them. Up with no data where the connector role is off.
 */
@Readiness
@ApplicationScoped
public class ConnectorHealthCheck implements HealthCheck {

    static final String NAME = "Connector shards";

    private final Connector connector;
    private final Roles roles;
    private final ParleyConfig config;

    public ConnectorHealthCheck(Connector connector, Roles roles, ParleyConfig config) {
        this.connector = connector;
        this.roles = roles;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        if (!roles.connector()) {
            return HealthCheckResponse.named(NAME).up().withData("role", "off").build();
        }
        boolean failing = connector.leasesFailing();
        return HealthCheckResponse.named(NAME).status(connector.isRunning() && !failing)
                .withData("owner", String.valueOf(connector.owner()))
                .withData("shards", connector.shards().toString())
                .withData("of", config.shards())
                .withData("leases", failing ? "renewal failing" : "held")
                .build();
    }
}
