package dev.tally.app.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.MetricWriter;
import dev.tally.aggregator.rebuild.Rebuild;
import dev.tally.aggregator.rebuild.RebuildRange;
import dev.tally.aggregator.rebuild.RebuildSource;
import dev.tally.aggregator.regulation.SuppressingMetricWriter;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.Json;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.Store;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import dev.tally.sqlite.SqliteItemStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A rebuild on the embedded engine.
 *
 * <ul>
 *   <li>{@code fresh}: every event of the range (widened to whole weeks) is aggregated again into a
 *       new table {@code metrics_rebuild_<time>} of {@code tally.db}; then one transaction replaces
 *       the store's items of the range in {@code metrics} by the new ones (readers see the old
 *       figures or the new ones, never a mix), the log is applied again in place to count what live
 *       aggregation wrote meanwhile, and the new table is dropped. New metrics get their history.
 *   <li>{@code in-place}: the same events go through the writer into {@code metrics}; its marks
 *       skip what is already counted, so it counts only what is missing (a repair), and running it
 *       again changes nothing.
 * </ul>
 *
 * Progress (finished parts and the fresh table's name) is saved in {@code DATA/rebuild/}, so the
 * same command resumes after an interruption.
 */
public final class EmbeddedRebuild {
  /** Where a rebuild writes. */
  public enum Into {
    FRESH,
    IN_PLACE
  }

  /** What to rebuild. */
  public record Config(
      Path stateDir,
      Store store,
      LocalDate from,
      LocalDate to,
      Into into,
      boolean restart,
      int shards) {}

  /** What was done. */
  public record Result(
      RebuildRange range, Rebuild.Summary summary, String table, int switchedItems) {}

  private final SqliteDatabase db;
  private final RebuildSource source;
  private final RebuildSource logOnly;
  private final SuppressionList suppressions;
  private final BiFunction<ItemStore, Integer, MetricWriter> writers;

  /**
   * @param writers the writer over a table (default: {@link ItemMetricWriter}); tests give another
   */
  public EmbeddedRebuild(
      SqliteDatabase db,
      RebuildSource source,
      RebuildSource logOnly,
      SuppressionList suppressions,
      BiFunction<ItemStore, Integer, MetricWriter> writers) {
    this.db = db;
    this.source = source;
    this.logOnly = logOnly;
    this.suppressions = suppressions;
    this.writers = writers;
  }

  public static EmbeddedRebuild create(
      SqliteDatabase db, Path archive, SqliteEventLog log, SuppressionList suppressions) {
    return new EmbeddedRebuild(
        db,
        new ArchiveRebuildSource(
            archive != null && Files.isDirectory(archive)
                ? new dev.tally.opensearch.archive.LocalArchive(archive)
                : null,
            log),
        log == null ? null : new ArchiveRebuildSource(null, log),
        suppressions,
        (table, shards) ->
            new ItemMetricWriter(
                table, new AggregatorConfig(shards, SqliteItemStore.MAX_WRITES_PER_CALL / 2, 8)));
  }

  public Result run(Config c, Rebuild.Progress progress) {
    RebuildRange range = RebuildRange.weeks(c.store().id(), c.from(), c.to());
    Path stateFile =
        c.stateDir()
            .resolve(
                "rebuild-"
                    + c.store().id()
                    + "-"
                    + range.from()
                    + "-"
                    + range.to()
                    + "-"
                    + c.into().name().toLowerCase(java.util.Locale.ROOT)
                    + ".json");
    State state = c.restart() ? null : State.load(stateFile);
    if (state == null) {
      String table =
          c.into() == Into.FRESH
              ? "metrics_rebuild_"
                  + DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                      .format(Clock.systemUTC().instant().atZone(ZoneOffset.UTC))
              : "metrics";
      state = new State(table, new LinkedHashSet<>());
      state.save(stateFile);
    }
    SqliteItemStore target = db.table(state.table);
    if (c.into() == Into.FRESH) {
      seedFirstVisits(db.table("metrics"), target, c.store().id(), range);
    }
    MetricWriter writer =
        new SuppressingMetricWriter(writers.apply(target, c.shards()), suppressions);
    State s = state;
    Rebuild.Summary summary =
        new Rebuild(source, writer, suppressions)
            .run(
                c.store(),
                range,
                s.done,
                part -> {
                  s.done.add(part);
                  s.save(stateFile);
                },
                progress);
    int switched = 0;
    if (c.into() == Into.FRESH) {
      SqliteItemStore live = db.table("metrics");
      switched = live.replaceFrom(target, c.store().id() + "#", range::replaces);
      if (logOnly != null) {
        // What live aggregation counted meanwhile was replaced by the switch; the log still has it.
        MetricWriter liveWriter =
            new SuppressingMetricWriter(writers.apply(live, c.shards()), suppressions);
        new Rebuild(logOnly, liveWriter, suppressions)
            .run(c.store(), range, Set.of(), p -> {}, Rebuild.Progress.NONE);
      }
      target.drop();
    }
    try {
      Files.deleteIfExists(stateFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + stateFile + ": " + e.getMessage(), e);
    }
    return new Result(range, summary, state.table, switched);
  }

  /**
   * Copies the first visits of devices first seen before the range into the fresh table, so the
   * rebuild does not count them as new on their first day in the range. Devices first seen in the
   * range get theirs from the rebuild itself. Idempotent, so a resumed rebuild may do it again.
   */
  private static void seedFirstVisits(
      SqliteItemStore live, SqliteItemStore fresh, String store, RebuildRange range) {
    ItemKey any = MetricKeys.firstVisit(store, "x");
    List<Item> before = new ArrayList<>();
    for (Item i : live.scan(MetricKeys.userPk(store, ""), any.sk())) {
      Long day = i.numOrNull(MetricKeys.FIRST_DAY);
      if (day != null && day < range.from().toEpochDay()) {
        before.add(i);
      }
    }
    fresh.putAll(before);
  }

  /** The saved progress of one rebuild. */
  private record State(String table, Set<String> done) {
    static State load(Path file) {
      if (!Files.exists(file)) {
        return null;
      }
      try {
        JsonNode n = Json.mapper().readTree(Files.readAllBytes(file));
        Set<String> done = new LinkedHashSet<>();
        n.path("done").forEach(d -> done.add(d.asText()));
        return new State(n.path("table").asText(), done);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }

    void save(Path file) {
      ObjectNode n = Json.mapper().createObjectNode();
      n.put("table", table);
      done.forEach(n.putArray("done")::add);
      try {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Json.mapper().writeValueAsBytes(n));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
