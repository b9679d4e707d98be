package dev.tally.core.event;

import java.util.List;

/**
 * One message on the durable log: many events of one store, with an id that is stable across
 * redeliveries. The aggregator's exactly-once bookkeeping is keyed by this id.
 */
public record LogEntry(String id, String storeId, List<Event> events) {
  public LogEntry {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("log entry id is required");
    }
    if (storeId == null || storeId.isBlank()) {
      throw new IllegalArgumentException("storeId is required");
    }
    events = List.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a log entry holds at least one event");
    }
  }
}
