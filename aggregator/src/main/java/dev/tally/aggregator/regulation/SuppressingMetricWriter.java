package dev.tally.aggregator.regulation;

import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.MetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.regulation.Suppressed;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.Store;
import java.util.List;

/**
 * A {@link MetricWriter} that drops the events of suppressed people before the real writer sees
 * them: events already in flight when a person was suppressed (in the log, redelivered, replayed
 * from the archive by a rebuild) never reach their items, links or sketches.
 */
public final class SuppressingMetricWriter implements MetricWriter {
  private final MetricWriter writer;
  private final SuppressionList suppressions;

  public SuppressingMetricWriter(MetricWriter writer, SuppressionList suppressions) {
    this.writer = writer;
    this.suppressions = suppressions;
  }

  @Override
  public ApplyResult apply(Store store, List<Event> events) {
    List<Event> kept = Suppressed.drop(suppressions, store.id(), events);
    if (kept.isEmpty()) {
      return ApplyResult.empty();
    }
    return writer.apply(store, kept);
  }
}
