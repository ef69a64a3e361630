package dev.parley.webhook;

import dev.parley.common.Blocking;
import dev.parley.event.EventsConfig;
import dev.parley.notify.OwnerNotifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * The email telling an account's owner that one of its webhook endpoints was disabled: why, that nothing is
 * lost for as long as events are kept, and how to enable it again. A mail failure is logged, never thrown:
 * the endpoint stays disabled either way.
 */
@ApplicationScoped
class DisabledEndpointNotice {

    private static final Logger LOG = Logger.getLogger(DisabledEndpointNotice.class);

    private final OwnerNotifier notifier;
    private final Duration retention;

    DisabledEndpointNotice(OwnerNotifier notifier, EventsConfig events) {
        this.notifier = notifier;
        this.retention = events.retention();
    }

    /** Emails the owner of the endpoint disabled at {@code at} after {@code failures} failed attempts. */
    void send(ClaimedEndpoint endpoint, int failures, Instant at, AttemptResult last) {
        String subject = "Parley: webhook \"" + endpoint.name() + "\" disabled (" + endpoint.id() + ")";
        String text = """
                Your Parley webhook endpoint "%s" (id %s) was disabled at %s after %d delivery attempts in a row \
                failed.

                URL:        %s
                Last error: %s

                Nothing is lost: events keep being recorded and wait for the endpoint for up to %s. Once it \
                accepts requests again, re-enable it and the waiting events are delivered in order:

                    POST /v1/webhooks/%s/enable

                Recent delivery attempts: GET /v1/webhooks/%s/logs
                """.formatted(endpoint.name(), endpoint.id(), at, failures, endpoint.url(), last.error(),
                retention, endpoint.id(), endpoint.id());
        try {
            Blocking.onContext(() -> notifier.email(endpoint.accountId(), subject, text));
        } catch (RuntimeException e) {
            LOG.warnf("Could not email the owner of account=%s that webhook=%s was disabled: %s",
                    endpoint.accountId(), endpoint.id(), e.toString());
        }
    }
}
