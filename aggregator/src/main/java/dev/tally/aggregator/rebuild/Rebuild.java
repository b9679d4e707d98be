package dev.tally.aggregator.rebuild;

import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.MetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.Store;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Re-derives a store's aggregates for a range of days from the raw events, through the same writer
 * as live aggregation. Entries are applied one at a time in log order, as the live aggregator
 * applies them when it keeps up, so links (and so the user an anonymous event counts under) are
 * known at the same moments. Events of suppressed people are dropped. Idempotent: the writer's
 * marks skip events already counted, so a resumed or repeated rebuild counts each event once.
 */
public final class Rebuild {
  private final RebuildSource source;
  private final MetricWriter writer;
  private final SuppressionList suppressions;

  public Rebuild(RebuildSource source, MetricWriter writer, SuppressionList suppressions) {
    this.source = source;
    this.writer = writer;
    this.suppressions = suppressions;
  }

  /** Told how far a run is, in bytes of the source. */
  public interface Progress {
    void started(long totalBytes, long doneBytes, int parts, int doneParts);

    void advanced(long bytes);

    Progress NONE =
        new Progress() {
          @Override
          public void started(long totalBytes, long doneBytes, int parts, int doneParts) {}

          @Override
          public void advanced(long bytes) {}
        };
  }

  /** What a run did. */
  public record Summary(int parts, int skippedParts, long events, long counted) {}

  /**
   * Runs the rebuild.
   *
   * @param done parts finished by an earlier run (skipped)
   * @param partDone told each part's name once all its events are written
   * @param progress told the total, then the bytes of each part as it finishes
   */
  public Summary run(
      Store store,
      RebuildRange range,
      Set<String> done,
      Consumer<String> partDone,
      Progress progress) {
    List<RebuildSource.Part> parts =
        source.parts(store.id(), store.timezone(), range.from(), range.to());
    long total = 0;
    long already = 0;
    int alreadyParts = 0;
    for (RebuildSource.Part p : parts) {
      total += p.bytes();
      if (done.contains(p.name())) {
        already += p.bytes();
        alreadyParts++;
      }
    }
    progress.started(total, already, parts.size(), alreadyParts);
    RebuildFilter filter = new RebuildFilter(store, range, suppressions);
    int skipped = 0;
    long[] events = {0};
    long[] counted = {0};
    for (RebuildSource.Part p : parts) {
      if (done.contains(p.name())) {
        skipped++;
        continue;
      }
      source.read(
          p,
          entry -> {
            List<Event> wanted = filter.wanted(entry);
            if (!wanted.isEmpty()) {
              events[0] += wanted.size();
              ApplyResult r = writer.apply(store, wanted);
              counted[0] += r.counted();
            }
          });
      partDone.accept(p.name());
      progress.advanced(p.bytes());
    }
    return new Summary(parts.size(), skipped, events[0], counted[0]);
  }
}
