package dev.tally.core.regulation;

import dev.tally.core.event.Event;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Port: a place that keeps raw events (the durable log, the raw-event archive, a search index) and
 * can remove some of them. Idempotent: removing again finds nothing. Throws {@link
 * dev.tally.core.error.RetryableException} when the place is unavailable.
 */
public interface Redactor {
  /** The step name, e.g. {@code redact-archive}. */
  String name();

  /**
   * Removes the events of {@code store} that {@code remove} accepts. {@code beforeRemoving} sees
   * each group of events before it is removed (so their days and message ids can be recorded
   * first).
   *
   * @return one line on what was done
   */
  String redact(String store, Predicate<Event> remove, Consumer<List<Event>> beforeRemoving);
}
