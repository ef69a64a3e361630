package dev.parley.event;

import java.util.List;

/**
 * One page read from the events outbox: the events found, and the key to continue after when the read
 * stopped before the end of the range (page full, or its budget of events looked at spent); null when it
 * reached the end. The position may lie past the last event found, at an event the filters passed over.
 */
public record EventScan(List<Event> events, String position) {
}
