package dev.parley.webhook;

import dev.parley.event.Event;

import java.util.List;

/** Events to send to one endpoint, and the stream position its cursor moves to once they are delivered. */
record EventBatch(List<Event> events, String position) {

    boolean isEmpty() {
        return events.isEmpty();
    }
}
