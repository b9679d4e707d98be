package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.port.LogRecord;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.regulation.Suppressed;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.opensearch.archive.LocalArchiver;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.metrics.RawEvent;
import dev.tally.testkit.metrics.ShopTraffic;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rebuild as a Flink batch job (issue #16): a seeded multi-day workload of two stores is
 * written as log entries into a local archive by the archiver itself, and counted live, entry batch
 * by entry batch, through the aggregator's writer into one table. The batch job then rebuilds one
 * store from the archive into an empty table on a MiniCluster: the two must hold the same items, a
 * second run must change nothing, and a suppressed person's events must not reach the rebuilt
 * table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkRebuildIT {
  static final LocalDate LAST_DAY = LocalDate.of(2025, 3, 20);
  static final int EVENTS_PER_STORE = 600;

  /** The store rebuilt: the one not on UTC, so store-local days matter. */
  static final String STORE = "tees";

  /** Every day of the workload: its 7 days, visits arriving 10 days late, next-day refunds. */
  static final LocalDate FROM = LAST_DAY.minusDays(20);

  static final LocalDate TO = LAST_DAY.plusDays(1);
  static final Path WORK = Path.of("target", "flink-rebuild-it").toAbsolutePath();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(FlinkHarness.tmpUnder(WORK))
              .build());

  static final DynaliteFixture dynalite = DynaliteFixture.shared();
  static ShopTraffic traffic;
  static String storesTable;
  static ItemStoreRegistry stores;
  static List<LogEntry> entries;
  static Path archive;
  static List<Item> liveItems;
  static EngineTable rebuilt;

  @BeforeAll
  static void archiveAndCountLive() throws Exception {
    traffic = ShopTraffic.standard(LAST_DAY, EVENTS_PER_STORE);
    storesTable = dynalite.newTable(DynaliteFixture.Keys.PK);
    stores =
        new ItemStoreRegistry(
            DynamoDbItemStore.keyOnly(dynalite.client(), storesTable, Clock.systemUTC()));
    for (Store s : traffic.stores()) {
      stores.create(s, "wk-" + s.id(), "rk-" + s.id());
    }
    entries = new ArrayList<>();
    for (ShopTraffic.Send send : traffic.sends()) {
      entries.add(
          new LogEntry(
              "entry-" + entries.size(),
              send.storeId(),
              send.events().stream().map(RawEvent::toEvent).toList()));
    }
    archive = WORK.resolve("archive-" + System.nanoTime());
    writeArchive(entries, archive);
    liveItems = storeItems(countLive(entries).all());
    assertThat(liveItems).as("the live table holds the store's items").isNotEmpty();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    FlinkEquivalenceIT.deleteTree(WORK);
  }

  @BeforeEach
  void resetWatch() {
    Watch.reset();
  }

  @Test
  @Order(1)
  void theBatchRebuildFromTheArchive_writesItemForItemWhatLiveCountingWrote() throws Exception {
    rebuilt = newTable();
    TallyFlinkRebuild.Summary summary = rebuild(rebuilt);

    assertThat(summary.files()).as("archive files read").isGreaterThan(1);
    assertThat(summary.events()).as("events handed to the writer").isPositive();
    List<Item> items = rebuilt.all();
    assertThat(items).allMatch(i -> i.key().pk().startsWith(STORE + "#"), "only the store's items");
    FlinkHarness.assertSameItems(
        "Flink batch rebuild vs live", withoutZeros(liveItems), withoutZeros(items));
    assertThat(FlinkHarness.marks(items)).as("one mark per event").isEqualTo(uniqueActivity());
    assertThat(Watch.counted.get()).as("events counted").isEqualTo(uniqueActivity());
  }

  @Test
  @Order(2)
  void runningTheRebuildAgain_changesNothing() throws Exception {
    List<Item> before = rebuilt.all();
    rebuild(rebuilt);

    assertThat(Watch.counted.get()).as("events counted by the second run").isZero();
    assertThat(Watch.alreadyCounted.get()).as("events found counted").isPositive();
    assertThat(Watch.marksCommitted.get()).as("marks written by the second run").isZero();
    FlinkHarness.assertSameItems("second run vs first", before, rebuilt.all());
  }

  @Test
  @Order(3)
  void aSuppressedPersonsEvents_areLeftOutOfTheRebuild() throws Exception {
    Set<String> person = somePersonsIds();
    new ItemSuppressionList(
            DynamoDbItemStore.keyOnly(dynalite.client(), storesTable, Clock.systemUTC()),
            Clock.systemUTC())
        .suppress(STORE, person);
    EngineTable table = newTable();
    rebuild(table);

    List<Item> items = table.all();
    for (String id : person) {
      Pattern named = Pattern.compile("(?<![\\w-])" + Pattern.quote(id) + "(?![\\w-])");
      assertThat(items).as("items naming " + id).noneMatch(i -> named.matcher(i.toString()).find());
    }
    // Everyone else is counted as if the person had never been there.
    Predicate<Event> theirs = Suppressed.naming(person);
    List<LogEntry> without = new ArrayList<>();
    for (LogEntry e : entries) {
      List<Event> kept = e.events().stream().filter(theirs.negate()).toList();
      if (!kept.isEmpty()) {
        without.add(new LogEntry(e.id(), e.storeId(), kept));
      }
    }
    FlinkHarness.assertSameItems(
        "rebuild with a suppressed person vs live without their events",
        withoutZeros(storeItems(countLive(without).all())),
        withoutZeros(items));
  }

  // --- the workload, the archive, live counting ---

  /**
   * The entries as the embedded log would hold them (arrival: the latest event time so far, so late
   * visits arrive late), archived by the archiver itself in small commits, so there are many files.
   */
  static void writeArchive(List<LogEntry> entries, Path dir) {
    List<LogRecord> log = new ArrayList<>();
    Instant arrival = Instant.EPOCH;
    for (LogEntry e : entries) {
      for (Event ev : e.events()) {
        arrival = ev.header().timestamp().isAfter(arrival) ? ev.header().timestamp() : arrival;
      }
      log.add(new LogRecord(log.size() + 1, e.id(), arrival, EventCodec.encode(e)));
    }
    LocalArchiver.Source source =
        (position, max) ->
            log.subList(
                (int) Math.min(log.size(), Math.max(0, position - 1)),
                (int) Math.min(log.size(), Math.max(0, position - 1) + max));
    try (LocalArchiver archiver =
        LocalArchiver.open(
            source, new LocalArchiver.Config(dir, Duration.ofMinutes(1), 32 * 1024, 100_000))) {
      assertThat(archiver.archiveAvailable()).as("records archived").isEqualTo(log.size());
    }
  }

  /** Live counting: the entries in log order, a hundred per writer call, into a fresh table. */
  static EngineTable countLive(List<LogEntry> entries) {
    EngineTable table = newTable();
    AggregatorService service =
        new AggregatorService(
            stores,
            new ItemMetricWriter(table.store(), AggregatorConfig.defaults()),
            new ItemBadEvents(table.store(), Clock.systemUTC()));
    for (int i = 0; i < entries.size(); i += 100) {
      service.apply(
          entries.subList(i, Math.min(entries.size(), i + 100)).stream()
              .filter(e -> !e.events().isEmpty())
              .toList());
    }
    return table;
  }

  static TallyFlinkRebuild.Summary rebuild(EngineTable into) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobConfig job =
        JobConfig.builder(archive.toString())
            .dynamoDbEndpoint(dynalite.endpoint().toString())
            .metricsTable(((DynamoDbItemStore) into.store()).table())
            .storesTable(storesTable)
            .build();
    return TallyFlinkRebuild.run(
        env, new RebuildConfig(STORE, FROM, TO, archive.toString(), null, job), Watch.wiring());
  }

  static EngineTable newTable() {
    return FlinkHarness.newTable(dynalite);
  }

  static List<Item> storeItems(List<Item> items) {
    return items.stream().filter(i -> i.key().pk().startsWith(STORE + "#")).toList();
  }

  /**
   * The items without counters that are zero. When a device's earlier visit arrives after its later
   * one was counted (a late visit), the writer moves its first visit: the later day's {@code
   * newVisitors} goes back to 0 and stays as a 0. Live counting, a hundred entries per call, sees
   * that; the batch job hands a device's visits to the writer together and counts the earlier day
   * at once. The same figures, one attribute more or less.
   */
  static List<Item> withoutZeros(List<Item> items) {
    List<Item> out = new ArrayList<>();
    for (Item i : items) {
      Map<String, AttrValue> attrs = new HashMap<>(i.attrs());
      attrs.values().removeIf(v -> v instanceof AttrValue.Num n && n.value() == 0);
      out.add(Item.of(i.key(), attrs));
    }
    return out;
  }

  /** Distinct activity events of the store: the marks a rebuild leaves. */
  static long uniqueActivity() {
    Set<String> ids = new HashSet<>();
    for (LogEntry e : entries) {
      if (e.storeId().equals(STORE)) {
        e.events().stream().filter(Event::isActivity).forEach(ev -> ids.add(ev.messageId()));
      }
    }
    return ids.size();
  }

  /** A signed-in person of the store: their user id and every anonymous id they used. */
  static Set<String> somePersonsIds() {
    String user = null;
    Set<String> ids = new LinkedHashSet<>();
    for (LogEntry e : entries) {
      if (!e.storeId().equals(STORE)) {
        continue;
      }
      for (Event ev : e.events()) {
        if (user == null && ev.header().userId() != null) {
          user = ev.header().userId();
        }
        if (user != null && user.equals(ev.header().userId())) {
          ids.addAll(Suppressed.ids(ev));
        }
      }
    }
    assertThat(user).as("a signed-in person in the workload").isNotNull();
    return ids;
  }
}
