package dev.parley.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * The failure policy of a delivery turn: a failed attempt counts one consecutive failure and backs the endpoint
 * off per the {@link WebhookRetryPolicy}; the failure that reaches {@code disable-after} disables it, and only
 * the process whose update disabled it emails the owner, so the owner hears exactly once.
 */
@ApplicationScoped
class EndpointFailures {

    private static final Logger LOG = Logger.getLogger(EndpointFailures.class);

    private final EndpointLeases leases;
    private final DisabledEndpointNotice notice;
    private final Clock clock;
    private final WebhookRetryPolicy policy;

    EndpointFailures(EndpointLeases leases, DisabledEndpointNotice notice, Clock clock, WebhooksConfig config) {
        this.leases = leases;
        this.notice = notice;
        this.clock = clock;
        this.policy = WebhookRetryPolicy.of(config);
    }

    /** Counts the failed attempt {@code last} of an endpoint whose lease this process holds, and frees the lease. */
    void record(ClaimedEndpoint endpoint, AttemptResult last) {
        int failures = endpoint.consecutiveFailures() + 1;
        Instant now = clock.instant();
        Instant next = now.plus(policy.backoffAfter(failures));
        if (leases.recordFailure(endpoint.id(), failures, now, next, policy.disables(failures))) {
            LOG.warnf("Webhook disabled after %d consecutive failed attempts: webhook=%s account=%s", failures,
                    endpoint.id(), endpoint.accountId());
            notice.send(endpoint, failures, now, last);
        }
    }
}
