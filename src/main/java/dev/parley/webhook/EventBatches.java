package dev.parley.webhook;

import dev.parley.common.Blocking;
import dev.parley.event.Event;
import dev.parley.event.EventOutbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an endpoint's next batch from the events outbox: the settled events after its cursor that it
 * subscribed to. Filtering happens here, not in the outbox query, so the cursor also moves past events nobody
 * asked for (a filtered query that finds none would leave the cursor where it is, and the endpoint stuck
 * behind a long run of other events).
 */
@ApplicationScoped
class EventBatches {

    /** Events read from the outbox per query while looking for an endpoint's next batch. */
    static final int SCAN_PAGE = 200;
    /** Most events looked at for one batch: an endpoint whose filters skip a long run advances in steps. */
    static final int SCAN_MAX = 1000;

    private final EventOutbox outbox;
    private final Duration settle;

    EventBatches(EventOutbox outbox, WebhooksConfig config) {
        this.outbox = outbox;
        this.settle = config.settle();
    }

    /** The endpoint's next batch as of {@code now}: at most its batch size, in stream order. */
    EventBatch next(ClaimedEndpoint endpoint, Instant now) {
        Instant until = now.minus(settle);
        List<Event> picked = new ArrayList<>();
        String position = endpoint.cursor();
        if (position.compareTo(EventOutbox.key(until, "~")) > 0) {
            // The cursor is newer than anything settled (a webhook created a moment ago): nothing to read yet.
            return new EventBatch(picked, position);
        }
        int scanned = 0;
        while (picked.size() < endpoint.batchSize() && scanned < SCAN_MAX) {
            String after = position;
            List<Event> page = Blocking.await(outbox.after(endpoint.accountId(), after, until, SCAN_PAGE));
            for (Event event : page) {
                scanned++;
                position = event.key();
                if (endpoint.wants(event)) {
                    picked.add(event);
                    if (picked.size() == endpoint.batchSize()) {
                        break;
                    }
                }
            }
            if (page.size() < SCAN_PAGE) {
                break;
            }
        }
        return new EventBatch(picked, position);
    }
}
