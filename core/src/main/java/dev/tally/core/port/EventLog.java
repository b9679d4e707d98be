package dev.tally.core.port;

import dev.tally.core.event.Event;
import java.util.List;

/**
 * Port: the durable log between ingest and the aggregator. {@code append} returns only once every
 * event is durably stored, and throws {@link dev.tally.core.error.RetryableException} otherwise
 * (some events may then be stored; the aggregator counts each message id once, so a retry is safe).
 * Implementations pack many events into each log message.
 */
public interface EventLog {
  void append(String storeId, List<Event> events);
}
