package dev.tally.aggregator.rebuild;

import dev.tally.core.event.Event;
import dev.tally.core.event.LogEntry;
import dev.tally.core.regulation.Suppressed;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which events of a log entry a rebuild of one store and range applies: the store's activity events
 * of the range's store-local days, its identity events whatever their day, none of suppressed
 * people. Shared by the embedded {@link Rebuild} and the Flink batch rebuild, which builds one per
 * task (the suppression list holds a client, so it is made where it is used, not shipped).
 */
public final class RebuildFilter {
  private final Store store;
  private final RebuildRange range;
  private final SuppressionList suppressions;

  public RebuildFilter(Store store, RebuildRange range, SuppressionList suppressions) {
    this.store = Objects.requireNonNull(store, "store");
    this.range = Objects.requireNonNull(range, "range");
    this.suppressions = Objects.requireNonNull(suppressions, "suppressions");
  }

  /** The entry's events of the store and range, without suppressed people's; often empty. */
  public List<Event> wanted(LogEntry entry) {
    if (!entry.storeId().equals(store.id())) {
      return List.of();
    }
    List<Event> out = new ArrayList<>();
    for (Event e : entry.events()) {
      // Links count whatever their day: an identify outside the range still decides whom the
      // range's anonymous events count under.
      if (!e.isActivity()
          || range.contains(DayBucketer.day(e.header().timestamp(), store.timezone()))) {
        out.add(e);
      }
    }
    return Suppressed.drop(suppressions, store.id(), out);
  }
}
