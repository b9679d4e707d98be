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
import dev.tally.core.item.ItemTables;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.Store;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import dev.tally.sqlite.SqliteItemStore;
import dev.tally.sqlite.SqliteItemTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A rebuild on any engine whose tables implement {@link ItemTables}.
 *
 * <ul>
 *   <li>{@code fresh}: every event of the range (widened to whole months and weeks) is aggregated
 *       again into a new staging table, seeded with the first visits of devices seen before the
 *       range; then the store's items of the range in the live table are switched to the new ones
 *       (on the embedded engine in one transaction: readers see the old figures or the new ones,
 *       never a mix; on DynamoDB item by item), what live aggregation counted meanwhile is counted
 *       again from the catch-up source (the embedded log; on AWS the archive, once its buffer has
 *       been delivered), and the staging table is dropped. New metrics get their history.
 *   <li>{@code in-place}: the same events go through the writer into the live table; its marks skip
 *       what is already counted, so it counts only what is missing (a repair), and running it again
 *       changes nothing.
 * </ul>
 *
 * Progress (finished parts and the staging table's name) is saved in a state directory, so the same
 * command resumes after an interruption; a run stopped after its switch switches again, which gives
 * the same table.
 */
public final class StagedRebuild {
  /** Where a rebuild writes. */
  public enum Into {
    FRESH,
    IN_PLACE
  }

  /**
   * Which part of a fresh rebuild to run: all of it, or (when another program, the Flink batch job,
   * aggregates into the staging table) only the preparation, then only the switch.
   */
  public enum Phase {
    ALL,
    /** Create the staging table and seed it; aggregate nothing. */
    PREPARE,
    /** Switch to the prepared staging table (aggregated meanwhile), catch up, drop it. */
    SWITCH
  }

  /** What to rebuild. */
  public record Config(
      Path stateDir,
      Store store,
      LocalDate from,
      LocalDate to,
      Into into,
      boolean restart,
      int shards,
      Phase phase) {
    public Config {
      if (phase != Phase.ALL && into != Into.FRESH) {
        throw new IllegalArgumentException("--prepare and --switch are steps of --into fresh");
      }
    }

    public Config(
        Path stateDir,
        Store store,
        LocalDate from,
        LocalDate to,
        Into into,
        boolean restart,
        int shards) {
      this(stateDir, store, from, to, into, restart, shards, Phase.ALL);
    }
  }

  /** What was done. */
  public record Result(
      RebuildRange range, Rebuild.Summary summary, String table, int switchedItems) {}

  /** Told when a fresh rebuild waits before its catch-up. */
  public interface Waiting {
    void waiting(Duration settle);
  }

  /** The state's table name of an in-place run. */
  private static final String LIVE = "live";

  private final ItemTables tables;
  private final RebuildSource source;
  private final Supplier<RebuildSource> catchUp;
  private final Duration settle;
  private final SuppressionList suppressions;
  private final BiFunction<ItemStore, Integer, MetricWriter> writers;

  /**
   * @param catchUp the source counted again into the live table after a switch (null: none)
   * @param settle how long to wait after a switch before the catch-up (the archive's buffer)
   * @param writers the writer over a table (default: {@link ItemMetricWriter}); tests give another
   */
  public StagedRebuild(
      ItemTables tables,
      RebuildSource source,
      Supplier<RebuildSource> catchUp,
      Duration settle,
      SuppressionList suppressions,
      BiFunction<ItemStore, Integer, MetricWriter> writers) {
    this.tables = tables;
    this.source = source;
    this.catchUp = catchUp;
    this.settle = settle;
    this.suppressions = suppressions;
    this.writers = writers;
  }

  /** On the embedded engine: the local archive (when there is one) and the durable log. */
  public static StagedRebuild embedded(
      SqliteDatabase db, Path archive, SqliteEventLog log, SuppressionList suppressions) {
    return new StagedRebuild(
        new SqliteItemTables(db),
        new ArchiveRebuildSource(
            archive != null && Files.isDirectory(archive) ? new LocalArchive(archive) : null, log),
        log == null ? null : () -> new ArchiveRebuildSource(null, log),
        Duration.ZERO,
        suppressions,
        writer(SqliteItemStore.MAX_WRITES_PER_CALL));
  }

  /**
   * On AWS: the archive (S3, or a copy of it) and DynamoDB; the catch-up reads the archive again
   * after {@code settle}, so events live aggregation counted during the rebuild are counted again.
   */
  public static StagedRebuild aws(
      ItemTables tables, ArchiveSource archive, Duration settle, SuppressionList suppressions) {
    return new StagedRebuild(
        tables,
        new ArchiveRebuildSource(archive, null),
        () -> new ArchiveRebuildSource(archive, null),
        settle,
        suppressions,
        writer(100));
  }

  private static BiFunction<ItemStore, Integer, MetricWriter> writer(int maxWrites) {
    return (table, shards) ->
        new ItemMetricWriter(table, new AggregatorConfig(shards, maxWrites / 2, 8));
  }

  public Result run(Config c, Rebuild.Progress progress) {
    return run(c, progress, d -> {});
  }

  public Result run(Config c, Rebuild.Progress progress, Waiting waiting) {
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
    if (state == null && c.phase() == Phase.SWITCH) {
      throw new IllegalArgumentException(
          "no prepared staging table for "
              + c.store().id()
              + " "
              + range.from()
              + ".."
              + range.to()
              + " in "
              + c.stateDir()
              + ": run it with --prepare first");
    }
    if (state == null) {
      String table =
          c.into() == Into.FRESH ? tables.newStagingName(Clock.systemUTC().instant()) : LIVE;
      state = new State(table, new LinkedHashSet<>());
      state.save(stateFile);
    }
    boolean fresh = c.into() == Into.FRESH;
    ItemStore target = fresh ? tables.staging(state.table) : tables.live();
    if (fresh && c.phase() != Phase.SWITCH) {
      seedFirstVisits(target, c.store().id(), range);
    }
    if (c.phase() == Phase.PREPARE) {
      return new Result(range, new Rebuild.Summary(0, 0, 0, 0), state.table, 0);
    }
    Rebuild.Summary summary = new Rebuild.Summary(0, 0, 0, 0);
    if (c.phase() == Phase.ALL) {
      MetricWriter writer =
          new SuppressingMetricWriter(writers.apply(target, c.shards()), suppressions);
      State s = state;
      summary =
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
    }
    int switched = 0;
    if (fresh) {
      switched = tables.switchTo(state.table, c.store().id() + "#", range::replaces);
      if (catchUp != null) {
        if (!settle.isZero()) {
          waiting.waiting(settle);
          sleep(settle);
        }
        // What live aggregation counted meanwhile was replaced by the switch; the source has it.
        // The customer index (lifetime figures) was kept, with those events in it already.
        MetricWriter liveWriter =
            new SuppressingMetricWriter(
                writers.apply(new CustomersKept(tables.live()), c.shards()), suppressions);
        new Rebuild(catchUp.get(), liveWriter, suppressions)
            .run(c.store(), range, Set.of(), p -> {}, Rebuild.Progress.NONE);
      }
      tables.drop(state.table);
    }
    try {
      Files.deleteIfExists(stateFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + stateFile + ": " + e.getMessage(), e);
    }
    return new Result(range, summary, fresh ? state.table : LIVE, switched);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted before the catch-up; run it again to resume", e);
    }
  }

  /**
   * Copies the first visits of devices first seen before the range into the staging table, so the
   * rebuild does not count them as new on their first day in the range. Devices first seen in the
   * range get theirs from the rebuild itself. Idempotent, so a resumed rebuild may do it again.
   */
  private void seedFirstVisits(ItemStore fresh, String store, RebuildRange range) {
    ItemKey any = MetricKeys.firstVisit(store, "x");
    List<Item> before = new ArrayList<>();
    for (Item i : tables.scan(tables.live(), MetricKeys.userPk(store, ""), any.sk())) {
      Long day = i.numOrNull(MetricKeys.FIRST_DAY);
      if (day != null && day < range.from().toEpochDay()) {
        before.add(i);
      }
    }
    fresh.putAll(before);
  }

  /** The live table for a catch-up: writes to the customer index are left out. */
  private static final class CustomersKept extends dev.tally.core.item.ForwardingItemStore {
    CustomersKept(ItemStore live) {
      super(live);
    }

    private static boolean kept(ItemKey key) {
      return !key.pk().contains("#CUSTOMERS#");
    }

    @Override
    public void write(List<? extends dev.tally.core.item.ItemWrite> writes) {
      List<dev.tally.core.item.ItemWrite> left = new ArrayList<>();
      for (dev.tally.core.item.ItemWrite w : writes) {
        if (kept(w.key())) {
          left.add(w);
        }
      }
      if (!left.isEmpty()) {
        delegate.write(left);
      }
    }

    @Override
    public void putAll(java.util.Collection<Item> items) {
      delegate.putAll(items.stream().filter(i -> kept(i.key())).toList());
    }
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
