package dev.tally.app.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.rebuild.Rebuild;
import dev.tally.aggregator.rebuild.RebuildSource;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.app.rebuild.StagedRebuild;
import dev.tally.app.sim.TallyClient;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.Store;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.regulation.ArchiveEvents;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteItemStore;
import dev.tally.sqlite.SqliteItemTables;
import dev.tally.testkit.metrics.AcquisitionOracle;
import dev.tally.testkit.metrics.MetricTable;
import dev.tally.testkit.metrics.Oracle;
import dev.tally.testkit.metrics.RawEvent;
import dev.tally.testkit.metrics.SameItems;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilds from the raw events: into a fresh table, a 30-day store comes out item for item as live
 * aggregation wrote it; and a metric the live writer did not have gets its history, equal to the
 * oracle's.
 */
class RebuildIT {
  @TempDir Path data;

  @Test
  void freshRebuildOf30Days_equalsTheLiveAggregatedTable_itemForItem() throws Exception {
    LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    List<ObjectNode> events = new Workload(17, 80, 20, 30, 2_500, last).generate();
    try (EmbeddedStack stack =
        EmbeddedStack.start(
            StackConfig.forTests()
                .withInMemory(false)
                .withDataDir(data)
                .withArchiveRoll(Duration.ofMillis(200)),
            Map.of())) {
      TallyClient client = new TallyClient(stack.baseUri());
      // One request at a time, each counted before the next: the live aggregator keeps up, as the
      // rebuild assumes (one log entry per write, in log order).
      for (int i = 0; i < events.size(); i += 25) {
        HttpResponse<String> r =
            client.batch(
                DemoStore.WRITE_KEY, events.subList(i, Math.min(events.size(), i + 25)), true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(stack.drain(Duration.ofSeconds(30))).isTrue();
      }
      awaitArchived(events.size());
      Map<String, Item> live = storeItems(stack.engine().metrics());
      assertThat(live).hasSizeGreaterThan(500);

      StagedRebuild.Result r = rebuild(stack, last.minusDays(29), last, StagedRebuild.Into.FRESH);
      assertThat(r.summary().counted()).isEqualTo(events.size() - identifies(events));
      assertThat(r.switchedItems()).isGreaterThan(500);
      Map<String, Item> rebuilt = storeItems(stack.engine().metrics());
      SameItems.assertSame(rebuilt, live);
      assertThat(data.resolve("rebuild")).isEmptyDirectory();

      // Three days in the middle: widened to whole months and weeks, so the product roll-ups it
      // replaces (weeks, months) are rebuilt whole and the table still equals live counting.
      rebuild(stack, last.minusDays(15), last.minusDays(13), StagedRebuild.Into.FRESH);
      SameItems.assertSame(storeItems(stack.engine().metrics()), live);

      // In place, over what is already counted: the marks skip every event, nothing changes.
      Map<String, Item> before = storeItems(stack.engine().metrics());
      StagedRebuild.Result again =
          rebuild(stack, last.minusDays(29), last, StagedRebuild.Into.IN_PLACE);
      assertThat(again.summary().counted()).isZero();
      SameItems.assertSame(storeItems(stack.engine().metrics()), before);
    }
  }

  @Test
  void metricAddedLater_getsItsHistoryFromARebuild_equalToTheOracle() throws Exception {
    Store store = Store.of("prints", "Europe/Berlin", "USD", List.of());
    LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    List<RawEvent> all = raw(new Workload(23, 60, 15, 20, 1_500, last).generate());
    List<LogEntry> entries = entries(store, all);
    try (SqliteDatabase db = SqliteDatabase.open(data.resolve("tally.db"))) {
      SqliteItemStore metrics = db.table("metrics");
      // Live counting by a version of the core that did not have cartViews yet.
      ItemMetricWriter older =
          new ItemMetricWriter(
              Older.without(metrics, "cartViews"), new AggregatorConfig(4, 1_000, 8));
      for (LogEntry e : entries) {
        older.apply(store, e.events());
      }
      assertThat(metrics.scan()).noneMatch(i -> i.attrs().containsKey("cartViews"));

      rebuilder(db, onePart(entries))
          .run(freshConfig(store, last.minusDays(19), last), Rebuild.Progress.NONE);

      Map<String, Map<String, Long>> oracle = Oracle.expected(List.of(all), store.timezone());
      long checked = 0;
      for (var e : oracle.entrySet()) {
        Long want = e.getValue().get("cartViews");
        String[] k = e.getKey().split("\\|");
        if (k[0].equals("STORE")) {
          long got = 0;
          for (int shard = 0; shard < 4; shard++) {
            got +=
                metrics
                    .get(
                        ItemKey.of(
                            MetricKeys.storeShardPk(store.id(), shard),
                            MetricKeys.daySk(LocalDate.parse(k[1]))))
                    .map(i -> i.numbers().getOrDefault("cartViews", 0L))
                    .orElse(0L);
          }
          assertThat(got).as(e.getKey()).isEqualTo(want == null ? 0 : want);
          checked += got;
        } else if (k[0].equals("USER") && want != null) {
          Item i =
              metrics
                  .get(
                      ItemKey.of(
                          MetricKeys.userPk(store.id(), k[1]),
                          MetricKeys.daySk(LocalDate.parse(k[2]))))
                  .orElseThrow();
          assertThat(i.num("cartViews")).as(e.getKey()).isEqualTo(want);
        }
      }
      assertThat(checked).isGreaterThan(20);
    }
  }

  @Test
  void interruptedFreshRebuild_resumesAfterTheLastFinishedPart() throws Exception {
    Store store = Store.of("prints", "UTC", "USD", List.of());
    LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    List<RawEvent> all = raw(new Workload(31, 30, 10, 6, 600, last).generate());
    List<LogEntry> entries = entries(store, all);
    int half = entries.size() / 2;
    boolean[] failOnce = {true};
    List<String> read = new ArrayList<>();
    RebuildSource source =
        new RebuildSource() {
          @Override
          public List<Part> parts(String s, ZoneId zone, LocalDate from, LocalDate to) {
            return List.of(new Part("first", 10), new Part("second", 10));
          }

          @Override
          public void read(Part part, Consumer<LogEntry> sink) {
            read.add(part.name());
            if (part.name().equals("first")) {
              entries.subList(0, half).forEach(sink);
              return;
            }
            if (failOnce[0]) {
              failOnce[0] = false;
              throw new java.io.UncheckedIOException(new java.io.IOException("disk went away"));
            }
            entries.subList(half, entries.size()).forEach(sink);
          }
        };
    try (SqliteDatabase db = SqliteDatabase.open(data.resolve("tally.db"))) {
      StagedRebuild rebuild = rebuilder(db, source);
      StagedRebuild.Config config = freshConfig(store, last.minusDays(5), last);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> rebuild.run(config, Rebuild.Progress.NONE))
          .hasMessageContaining("disk went away");
      assertThat(data.resolve("rebuild")).isNotEmptyDirectory();

      StagedRebuild.Result r = rebuild.run(config, Rebuild.Progress.NONE);
      assertThat(r.summary().skippedParts()).isEqualTo(1);
      assertThat(read).containsExactly("first", "second", "second");
      assertThat(data.resolve("rebuild")).isEmptyDirectory();
      Map<String, Map<String, Long>> expected = Oracle.expected(List.of(all), store.timezone());
      Map<String, Map<String, Long>> actual =
          dev.tally.testkit.metrics.MetricTable.read(db.table("metrics").scan(), store.id());
      assertThat(actual).isEqualTo(expected);
    }
  }

  /** Runs the embedded rebuild of the demo store over {@code from}..{@code to}, as the CLI does. */
  private StagedRebuild.Result rebuild(
      EmbeddedStack stack, LocalDate from, LocalDate to, StagedRebuild.Into into) throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(data.resolve("tally.db"))) {
      return StagedRebuild.embedded(
              db,
              data.resolve("archive"),
              ((EmbeddedEngine) stack.engine()).eventLog(),
              new ItemSuppressionList(db.table("stores"), Clock.systemUTC()))
          .run(
              new StagedRebuild.Config(
                  data.resolve("rebuild"),
                  stack.stores().find(DemoStore.ID).orElseThrow(),
                  from,
                  to,
                  into,
                  false,
                  stack.shards()),
              Rebuild.Progress.NONE);
    }
  }

  /** Segment calls as test events. */
  private static List<RawEvent> raw(List<ObjectNode> calls) {
    return calls.stream().map(RawEvent::fromSegment).toList();
  }

  /** The events as the live log would hold them: entries of 20. */
  private static List<LogEntry> entries(Store store, List<RawEvent> events) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 20) {
      out.add(
          new LogEntry(
              "e" + i,
              store.id(),
              events.subList(i, Math.min(events.size(), i + 20)).stream()
                  .map(RawEvent::toEvent)
                  .toList()));
    }
    return out;
  }

  /** A source holding every entry in one part. */
  private static RebuildSource onePart(List<LogEntry> entries) {
    return new RebuildSource() {
      @Override
      public List<Part> parts(String s, ZoneId zone, LocalDate from, LocalDate to) {
        return List.of(new Part("all", 1));
      }

      @Override
      public void read(Part part, Consumer<LogEntry> sink) {
        entries.forEach(sink);
      }
    };
  }

  /** A rebuild of this test's database from {@code source}, with the standard writer. */
  private static StagedRebuild rebuilder(SqliteDatabase db, RebuildSource source) {
    return new StagedRebuild(
        new SqliteItemTables(db),
        source,
        null,
        Duration.ZERO,
        SuppressionList.NONE,
        (table, shards) -> new ItemMetricWriter(table, new AggregatorConfig(shards, 1_000, 8)));
  }

  /** A fresh rebuild of {@code from}..{@code to} with 4 shards, state kept in the data dir. */
  private StagedRebuild.Config freshConfig(Store store, LocalDate from, LocalDate to) {
    return new StagedRebuild.Config(
        data.resolve("rebuild"), store, from, to, StagedRebuild.Into.FRESH, false, 4);
  }

  private static int identifies(List<ObjectNode> events) {
    return (int)
        events.stream()
            .filter(
                e ->
                    e.path("type").asText().equals("identify")
                        || e.path("type").asText().equals("alias"))
            .count();
  }

  /** The demo store's aggregate and identity items, without their version counters. */
  private static Map<String, Item> storeItems(ItemStore metrics) {
    Map<String, Item> out = new TreeMap<>();
    for (Item i : ((SqliteItemStore) metrics).scan()) {
      String pk = i.key().pk();
      if (!pk.startsWith(DemoStore.ID + "#") || pk.contains("#BAD") || pk.contains("#REJECT")) {
        continue;
      }
      Map<String, AttrValue> attrs = new LinkedHashMap<>(i.attrs());
      attrs.remove(MetricKeys.VERSION);
      out.put(pk + "|" + i.key().sk(), Item.of(i.key(), attrs));
    }
    return out;
  }

  private void awaitArchived(int events) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      int[] n = {0};
      if (java.nio.file.Files.isDirectory(data.resolve("archive"))) {
        new ArchiveEvents(new LocalArchive(data.resolve("archive")))
            .read(DemoStore.ID, ZoneOffset.UTC, null, null, e -> n[0] += e.events().size());
      }
      if (n[0] >= events) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the archive did not catch up");
  }

  @Test
  void acquisitionAddedLater_getsItsHistoryFromAFreshRebuild_equalToTheOracle() throws Exception {
    Store store = Store.of("posters", "America/New_York", "USD", List.of());
    LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    List<ObjectNode> calls = new Workload(29, 60, 15, 20, 1_500, last).generate();
    dev.tally.testkit.metrics.Events.addTouches(new java.util.Random(29), calls);
    List<RawEvent> all = raw(calls);
    List<LogEntry> entries = entries(store, all);
    try (SqliteDatabase db = SqliteDatabase.open(data.resolve("tally.db"))) {
      SqliteItemStore metrics = db.table("metrics");
      // Live counting by a version of Tally from before sessions and sources.
      ItemMetricWriter older =
          new ItemMetricWriter(
              Older.withoutAcquisition(metrics), new AggregatorConfig(4, 1_000, 8));
      for (LogEntry e : entries) {
        older.apply(store, e.events());
      }
      assertThat(MetricTable.acquisition(metrics.scan(), store.id())).isEmpty();

      rebuilder(db, onePart(entries))
          .run(freshConfig(store, last.minusDays(25), last), Rebuild.Progress.NONE);

      Map<String, Map<String, Long>> stored = MetricTable.acquisition(metrics.scan(), store.id());
      Map<String, Map<String, Long>> expected =
          AcquisitionOracle.expected(List.of(all), store.timezone(), "USD");
      assertThat(expected).isNotEmpty();
      assertThat(stored).isEqualTo(expected);
      // And the counters that were there before are untouched by the backfill.
      assertThat(MetricTable.read(metrics.scan(), store.id()))
          .isEqualTo(Oracle.expected(List.of(all), store.timezone()));
    }
  }

  /**
   * A writer from before a metric: an item store that drops what {@code keep} leaves out of each
   * write (null drops the whole write).
   */
  private static final class Older extends dev.tally.core.item.ForwardingItemStore {
    private final java.util.function.UnaryOperator<ItemWrite> keep;

    Older(ItemStore items, java.util.function.UnaryOperator<ItemWrite> keep) {
      super(items);
      this.keep = keep;
    }

    /** Drops one counter from every update. */
    static Older without(ItemStore items, String counter) {
      return new Older(
          items, w -> w instanceof ItemWrite.Update u ? strip(u, counter, Set.of()) : w);
    }

    /** Writes no session, first visit or acquisition item. */
    static Older withoutAcquisition(ItemStore items) {
      return new Older(
          items,
          w ->
              w.key().pk().contains("#ACQ#") || w.key().sk().equals("FIRST")
                  ? null
                  : w instanceof ItemWrite.Update u
                      ? strip(u, null, Set.of(MetricKeys.SESSIONS))
                      : w);
    }

    private static ItemWrite strip(ItemWrite.Update u, String added, Set<String> set) {
      ItemWrite.Update.Builder b = ItemWrite.update(u.key()).when(u.condition());
      u.add()
          .forEach(
              (k, v) -> {
                if (!k.equals(added)) {
                  b.add(k, v);
                }
              });
      u.set()
          .forEach(
              (k, v) -> {
                if (!set.contains(k)) {
                  b.set(k, v);
                }
              });
      u.addMarks().forEach(b::addMarks);
      u.remove().forEach(b::remove);
      return b.build();
    }

    @Override
    public void write(List<? extends ItemWrite> writes) {
      List<ItemWrite> out = new ArrayList<>();
      for (ItemWrite w : writes) {
        ItemWrite kept = keep.apply(w);
        if (kept != null) {
          out.add(kept);
        }
      }
      delegate.write(out);
    }
  }
}
