package dev.tally.opensearch.archive;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Which partitions a reader needs for a store and a range of store-local event days. Partitions are
 * by arrival time, and an event may arrive long after it happened (imports, offline devices), so
 * only partitions that arrived before the range can be skipped: an event of day {@code from} (in
 * any time zone, at most 14 h from UTC) with a timestamp at most {@code maxFuture} (24 h by
 * default) after its arrival cannot have arrived before {@code from - 2 days}; {@link #SLACK_DAYS}
 * leaves one more day.
 *
 * @param store only this store's partitions; empty: every store
 * @param from first store-local event day; empty: no lower bound
 * @param to last store-local event day (not used to skip partitions, see above)
 */
public record ArchiveFilter(
    Optional<String> store, Optional<LocalDate> from, Optional<LocalDate> to) {
  public static final int SLACK_DAYS = 3;

  public ArchiveFilter {
    if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
      throw new IllegalArgumentException("--from " + from.get() + " is after --to " + to.get());
    }
  }

  public static ArchiveFilter all() {
    return new ArchiveFilter(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** True when the partition may hold events of the store and range. */
  public boolean mayHold(ArchiveLayout.Partition p) {
    if (store.isPresent() && !store.get().equals(p.store())) {
      return false;
    }
    return from.isEmpty() || !p.dt().isBefore(from.get().minusDays(SLACK_DAYS));
  }

  /** True when an event of {@code store} on store-local {@code day} is wanted. */
  public boolean wants(String eventStore, LocalDate day) {
    return (store.isEmpty() || store.get().equals(eventStore))
        && (from.isEmpty() || !day.isBefore(from.get()))
        && (to.isEmpty() || !day.isAfter(to.get()));
  }
}
