package dev.parley.webhook;

import dev.parley.event.Event;

import java.util.Set;

/** An endpoint as its delivery turn sees it while this process holds its lease. */
record ClaimedEndpoint(String id, String accountId, String name, String url, Set<String> types, String device,
                       String secret, int batchSize, String cursor, int consecutiveFailures) {

    static ClaimedEndpoint of(WebhookEndpoint e) {
        return new ClaimedEndpoint(e.id, e.accountId, e.name, e.url, e.eventTypes(), e.deviceId, e.secret,
                e.batchSize, e.cursor, e.consecutiveFailures);
    }

    /** Whether the endpoint subscribed to this event (its type, and its device when it filters on one). */
    boolean wants(Event event) {
        return types.contains(event.type()) && (device == null || device.equals(event.device()));
    }
}
