package dev.tally.aggregator;

import dev.tally.core.event.Event;
import dev.tally.core.store.Store;
import java.util.List;

/**
 * Port: applies events to the stored metrics with an exactly-once effect per message id, however
 * often the same events are applied. Throws {@link dev.tally.core.error.RetryableException} on
 * transient failure; whatever was written before it stays correct.
 */
public interface MetricWriter {
  ApplyResult apply(Store store, List<Event> events);
}
