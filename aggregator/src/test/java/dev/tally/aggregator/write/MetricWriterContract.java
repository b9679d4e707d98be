package dev.tally.aggregator.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.ApplyResult;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Periods;
import dev.tally.core.event.Event;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import dev.tally.query.DateRange;
import dev.tally.query.MetricsReader;
import dev.tally.testkit.CrashingItemStore;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.RecordingItemStore;
import dev.tally.testkit.metrics.Events;
import dev.tally.testkit.metrics.MetricTable;
import dev.tally.testkit.metrics.Oracle;
import dev.tally.testkit.metrics.RawEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The writer on a real engine: whatever the redelivery, crash or batching, the stored items equal
 * an independent recomputation from the raw events. Every engine's IT extends this.
 */
abstract class MetricWriterContract {
  static final Instant NOW = Instant.parse("2025-03-20T15:00:00Z");
  EngineTable table;
  Store store = Store.of("shop", "UTC", "USD", List.of());
  Events events = new Events("m");

  /** A fresh, empty metrics table on the engine under test. */
  protected abstract EngineTable freshTable();

  @BeforeEach
  void freshTables() {
    table = freshTable();
  }

  private ItemMetricWriter writer(ItemStore items, int maxItems) {
    return new ItemMetricWriter(items, new AggregatorConfig(4, maxItems, 8));
  }

  private ItemMetricWriter writer() {
    return writer(table.store(), 100);
  }

  private static List<Event> parsed(List<RawEvent> raw) {
    return raw.stream().map(RawEvent::toEvent).toList();
  }

  private ApplyResult apply(ItemMetricWriter w, List<RawEvent> batch) {
    return w.apply(store, parsed(batch));
  }

  private Map<String, Map<String, Long>> stored() {
    return MetricTable.read(table.all(), store.id());
  }

  private void assertMatchesOracle(List<List<RawEvent>> batchesInFirstProcessingOrder) {
    assertThat(stored())
        .isEqualTo(Oracle.expected(batchesInFirstProcessingOrder, store.timezone()));
  }

  private static List<List<RawEvent>> split(List<RawEvent> all, int size) {
    List<List<RawEvent>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += size) {
      out.add(all.subList(i, Math.min(all.size(), i + size)));
    }
    return out;
  }

  @Test
  void redeliveredBatches_areCountedOnce() {
    List<RawEvent> all = events.randomMix(new Random(1), 400, 40, 5, NOW);
    List<List<RawEvent>> batches = split(all, 60);
    ItemMetricWriter w = writer();
    int counted = 0;
    for (List<RawEvent> b : batches) {
      counted += apply(w, b).counted();
    }
    for (List<RawEvent> b : batches) {
      ApplyResult again = apply(w, b);
      assertThat(again.counted()).isZero();
      assertThat(again.transactions()).isZero();
    }
    assertThat(counted).isEqualTo((int) all.stream().filter(RawEvent::isActivity).count());
    assertMatchesOracle(batches);
  }

  @Test
  void crashAfterSomeTransactions_thenRestartWithTheWholeBatch_countsEveryEventOnce() {
    List<RawEvent> all = events.randomMix(new Random(2), 300, 50, 4, NOW);
    // Small transactions, so the batch needs many and the crash lands in the middle: after the
    // links and sketches, at the fourth counter transaction (the only writes to person-days).
    ItemMetricWriter crashing =
        writer(
            new CrashingItemStore(
                table.store(),
                3,
                w -> w.stream().anyMatch(x -> x.key().pk().startsWith(store.id() + "#USER#"))),
            12);
    assertThatThrownBy(() -> apply(crashing, all)).isInstanceOf(CrashingItemStore.Crash.class);
    Map<String, Map<String, Long>> partial = stored();
    assertThat(partial).isNotEmpty();
    assertThat(partial).isNotEqualTo(Oracle.expected(List.of(all), store.timezone()));

    ApplyResult restart = apply(writer(table.store(), 12), all);
    assertThat(restart.alreadyCounted()).isPositive();
    assertMatchesOracle(List.of(all));
    // And once more, as if the restarted process crashed before acknowledging.
    assertThat(apply(writer(), all).counted()).isZero();
    assertMatchesOracle(List.of(all));
  }

  @Test
  void crashAfterAnyNumberOfWrites_ofAnyKind_thenRestart_countsEveryEventOnce_andKeepsLinksWhole() {
    List<RawEvent> all = events.randomMix(new Random(3), 120, 20, 3, NOW);
    List<String> expectedLinks = new ArrayList<>();
    Oracle.links(List.of(all))
        .forEach(
            (anon, user) -> {
              expectedLinks.add(anon + "→" + user);
              expectedLinks.add("via-user:" + anon + "→" + user);
            });
    Collections.sort(expectedLinks);
    int crashes = 0;
    for (int k = 0; ; k++) {
      table = freshTable();
      CrashingItemStore crashing = new CrashingItemStore(table.store(), k);
      try {
        apply(writer(crashing, 48), all);
      } catch (CrashingItemStore.Crash expected) {
        crashes++; // the process died after k writes
      }
      apply(writer(table.store(), 16), all);
      assertMatchesOracle(List.of(all));
      assertThat(MetricTable.links(table.all(), store.id())).isEqualTo(expectedLinks);
      if (crashing.calls() <= k) {
        break; // the whole batch fit in k writes: every crash point has been tried
      }
    }
    assertThat(crashes).isGreaterThan(10);
  }

  @Test
  void duplicateMessageIdAcrossBatches_isCountedOnce() {
    Instant t = NOW.minusSeconds(600);
    RawEvent view = events.product("a1", null, "Product Viewed", "p1", t);
    RawEvent order =
        events.order(
            "a1", "u1", "Order Completed", t.plusSeconds(60), new Object[] {"p1", "19.99", 2});
    List<RawEvent> first = List.of(view, events.page("a1", null, t.minusSeconds(5)), order);
    List<RawEvent> second = List.of(events.page("a2", null, t), order, view);
    List<RawEvent> third = List.of(view, view, order, events.page("a2", null, t.plusSeconds(1)));
    ItemMetricWriter w = writer();
    apply(w, first);
    ApplyResult r2 = apply(w, second);
    assertThat(r2.counted()).isEqualTo(1);
    assertThat(r2.alreadyCounted()).isEqualTo(2);
    ApplyResult r3 = apply(w, third);
    assertThat(r3.counted()).isEqualTo(1);
    assertThat(r3.alreadyCounted()).isEqualTo(3);
    assertMatchesOracle(List.of(first, second, third));
    assertThat(stored().get("USER|u1|2025-03-20"))
        .containsEntry("revenue", 3998L)
        .containsEntry("ordersCompleted", 1L);
  }

  @Test
  void lateEvents_tenDaysOld_landOnTheirOwnDay_exactlyOnce() {
    List<RawEvent> today = events.randomMix(new Random(4), 100, 15, 1, NOW);
    List<RawEvent> late =
        events.randomMix(new Random(5), 100, 15, 1, NOW.minus(Duration.ofDays(10)));
    ItemMetricWriter w = writer();
    apply(w, today);
    apply(w, late);
    apply(w, late.subList(0, 50));
    assertMatchesOracle(List.of(today, late));
    assertThat(stored()).containsKey("STORE|2025-03-10").containsKey("STORE|2025-03-20");
  }

  @ParameterizedTest
  @ValueSource(strings = {"America/Los_Angeles", "Pacific/Auckland"})
  void dayBoundary_inTheStoreTimeZone_splitsAtLocalMidnight(String zone) {
    store = Store.of("shop", zone, "USD", List.of());
    ZoneId z = ZoneId.of(zone);
    Instant midnight = ZonedDateTime.of(2025, 3, 20, 0, 0, 0, 0, z).toInstant();
    List<RawEvent> batch = new ArrayList<>();
    for (String who : List.of("a1", "a2", "a3")) {
      batch.add(events.product(who, null, "Product Viewed", "p1", midnight.minusMillis(1)));
      // A client clock three hours fast: the parser must correct it before bucketing.
      batch.add(
          events.product(who, null, "Product Added", "p1", midnight).withSkew(Duration.ofHours(3)));
      batch.add(
          events.order(
              who,
              null,
              "Order Completed",
              midnight.plusSeconds(30),
              new Object[] {"p1", "5.00", 1}));
    }
    apply(writer(), batch);
    assertMatchesOracle(List.of(batch));
    Map<String, Map<String, Long>> s = stored();
    assertThat(s.get("STORE|2025-03-19"))
        .containsEntry("productViews", 3L)
        .containsEntry("visited", 3L)
        .doesNotContainKey("productsAdded");
    assertThat(s.get("STORE|2025-03-20"))
        .containsEntry("productsAdded", 3L)
        .containsEntry("visited", 3L)
        .containsEntry("completedOrder", 3L)
        .containsEntry("revenue", 1500L);
  }

  @Test
  void anonymousThenIdentified_eachEventCountsUnderItsOwnIds_andTheLinksJoinThem() {
    Instant t = NOW.minusSeconds(3_600);
    List<RawEvent> browsing =
        List.of(
            events.page("anon-1", null, t),
            events.product("anon-1", null, "Product Viewed", "p1", t.plusSeconds(10)),
            events.product("anon-1", null, "Product Added", "p1", t.plusSeconds(20)));
    List<RawEvent> signIn = List.of(events.identify("anon-1", "alice", t.plusSeconds(30)));
    List<RawEvent> afterLink =
        List.of(
            events.track("anon-1", null, "Checkout Started", null, t.plusSeconds(40)),
            events.order(
                "anon-1",
                "alice",
                "Order Completed",
                t.plusSeconds(50),
                new Object[] {"p1", "10.00", 1}),
            events.page(null, "alice", t.plusSeconds(60)));
    // A second device, aliased afterwards, with the link and its events in one batch.
    List<RawEvent> otherDevice =
        List.of(
            events.page("anon-2", null, t.plusSeconds(70)),
            events.alias("anon-2", "alice", t.plusSeconds(80)));
    ItemMetricWriter w = writer();
    apply(w, browsing);
    apply(w, signIn);
    apply(w, afterLink);
    apply(w, otherDevice);
    assertMatchesOracle(List.of(browsing, signIn, afterLink, otherDevice));

    Map<String, Map<String, Long>> s = stored();
    String day = "2025-03-20";
    // Events without a user id stay with their anonymous id, before and after the sign-in.
    assertThat(s.get("USER|anon-1|" + day))
        .containsEntry("events", 4L)
        .containsEntry("checkoutsStarted", 1L);
    assertThat(s.get("USER|anon-2|" + day)).containsEntry("events", 1L);
    assertThat(s.get("USER|alice|" + day))
        .containsEntry("events", 2L)
        .containsEntry("revenue", 1000L);
    // One device (anon-1) went through the whole funnel; anon-2 and alice's server call visited.
    assertThat(s.get("STORE|" + day))
        .containsEntry("visited", 3L)
        .containsEntry("addedToCart", 1L)
        .containsEntry("completedOrder", 1L);
    // The query side finds alice's anonymous ids through the LINKS partition.
    var links =
        table
            .store()
            .query(dev.tally.core.item.ItemQuery.partition(MetricKeys.linksPk("shop", "alice")));
    assertThat(links)
        .extracting(i -> i.key().sk())
        .containsExactlyInAnyOrder("ANON#anon-1", "ANON#anon-2");
  }

  @ParameterizedTest(name = "batches of {0}")
  @ValueSource(ints = {1, 2, 3, 5, 100})
  void theItems_doNotDependOnHowTheEventsWereBatched_orWhetherTheSignInCameFirst(int size) {
    Instant t = NOW.minusSeconds(3_600);
    List<RawEvent> all =
        new ArrayList<>(
            List.of(
                events.page("anon-1", null, t),
                events.product("anon-1", null, "Product Viewed", "p1", t.plusSeconds(10)),
                events.identify("anon-1", "alice", t.plusSeconds(30)),
                events.track("anon-1", null, "Checkout Started", null, t.plusSeconds(40)),
                events.order(
                    "anon-1",
                    "alice",
                    "Order Completed",
                    t.plusSeconds(50),
                    new Object[] {"p1", "10.00", 1}),
                events.page("anon-2", null, t.plusSeconds(70)),
                events.alias("anon-2", "alice", t.plusSeconds(80)),
                events.page("anon-2", null, t.plusSeconds(90))));
    // The reference: every event in one batch, in order.
    EngineTable reference = freshTable();
    new ItemMetricWriter(reference.store(), new AggregatorConfig(4, 100, 8))
        .apply(store, parsed(all));
    // Here: the sign-ins first (as a late anonymous visit would make it), then the rest in small
    // batches.
    List<RawEvent> reordered = new ArrayList<>();
    all.stream().filter(e -> !e.isActivity()).forEach(reordered::add);
    all.stream().filter(RawEvent::isActivity).forEach(reordered::add);
    ItemMetricWriter w = writer();
    split(reordered, size).forEach(b -> apply(w, b));
    assertThat(stored()).isEqualTo(MetricTable.read(reference.all(), store.id()));
    assertThat(MetricTable.links(table.all(), store.id()))
        .isEqualTo(MetricTable.links(reference.all(), store.id()));
    assertMatchesOracle(List.of(all));
  }

  private RawEvent named(String anon, String pid, String name, String image, Instant at) {
    com.fasterxml.jackson.databind.node.ObjectNode props =
        dev.tally.core.event.Json.mapper().createObjectNode();
    props.put("product_id", pid).put("name", name).put("price", 10);
    if (image != null) {
      props.put("image_url", image);
    }
    return events.track(anon, null, "Product Viewed", props, at);
  }

  @Test
  void productNames_keepTheLatestDays_whateverTheOrderOrBatching_andUnsafeImagesAreDropped() {
    Instant day1 = NOW.minusSeconds(2 * 86_400);
    Instant day2 = NOW.minusSeconds(86_400);
    List<RawEvent> all =
        List.of(
            named("a", "p1", "Old title", "https://img.example/p1-old.png", day1),
            named("b", "p1", "New title", "https://img.example/p1.png", day2),
            named("c", "p1", "New title", "https://img.example/p1.png", day2.plusSeconds(5)),
            named("d", "p2", "Print two", "javascript:alert(1)", day1),
            events.product("e", null, "Product Viewed", "p3", day2)); // no name: no entry
    List<List<RawEvent>> orders = new ArrayList<>();
    orders.add(all);
    List<RawEvent> reversed = new ArrayList<>(all);
    Collections.reverse(reversed);
    orders.add(reversed);
    Map<String, Map<String, String>> first = null;
    for (List<RawEvent> order : orders) {
      EngineTable t = freshTable();
      ItemMetricWriter w = new ItemMetricWriter(t.store(), new AggregatorConfig(4, 100, 8));
      for (RawEvent e : order) {
        w.apply(store, parsed(List.of(e))); // one event per batch: the catalog sees every order
      }
      w.apply(store, parsed(order)); // and a redelivery of everything
      Map<String, Map<String, String>> catalog = new java.util.TreeMap<>();
      for (var item : t.all()) {
        if (item.key().pk().equals(MetricKeys.catalogPk("shop"))) {
          Map<String, String> v = new java.util.TreeMap<>();
          v.put("name", item.str(MetricKeys.NAME));
          v.put("imageUrl", String.valueOf(item.str(MetricKeys.IMAGE_URL)));
          catalog.put(item.key().sk(), v);
        }
      }
      assertThat(catalog)
          .containsOnlyKeys("P#p1", "P#p2")
          .containsEntry(
              "P#p1", Map.of("name", "New title", "imageUrl", "https://img.example/p1.png"))
          .containsEntry("P#p2", Map.of("name", "Print two", "imageUrl", "null"));
      if (first != null) {
        assertThat(catalog).isEqualTo(first);
      }
      first = catalog;
    }
  }

  @Test
  void firstLinkWins_aLaterSignInAsSomeoneElseDoesNotMoveTheDevice() {
    Instant t = NOW.minusSeconds(600);
    List<RawEvent> b1 =
        List.of(events.identify("shared", "bob", t), events.page("shared", null, t.plusSeconds(1)));
    List<RawEvent> b2 =
        List.of(
            events.identify("shared", "carol", t.plusSeconds(2)),
            events.page("shared", null, t.plusSeconds(3)));
    ItemMetricWriter w = writer();
    apply(w, b1);
    apply(w, b2);
    assertMatchesOracle(List.of(b1, b2));
    assertThat(stored().get("USER|shared|2025-03-20")).containsEntry("events", 2L);
    assertThat(MetricTable.links(table.all(), store.id()))
        .containsExactly("shared→bob", "via-user:shared→bob");
  }

  @Test
  void refundsAndCancellations_addToRefunds() {
    Instant t = NOW.minusSeconds(600);
    List<RawEvent> batch =
        List.of(
            events.order(
                null,
                "u1",
                "Order Completed",
                t,
                new Object[] {"p1", "30.00", 2},
                new Object[] {"p2", "0.99", 1}),
            events.order(
                null, "u1", "Order Refunded", t.plusSeconds(60), new Object[] {"p1", "30.00", 1}),
            events.order(
                null, "u2", "Order Cancelled", t.plusSeconds(90), new Object[] {"p2", "0.99", 3}));
    apply(writer(), batch);
    apply(writer(), batch);
    assertMatchesOracle(List.of(batch));
    assertThat(stored().get("STORE|2025-03-20"))
        .containsEntry("revenue", 6099L)
        .containsEntry("refunds", 3297L)
        .containsEntry("ordersRefunded", 1L)
        .containsEntry("ordersCancelled", 1L);
  }

  @Test
  void aBatch_becomesOneUpdatePerDistinctItem_notOnePerEvent() {
    Instant t = NOW.minusSeconds(3_000);
    List<RawEvent> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String who = i % 2 == 0 ? "u1" : "u2";
      batch.add(events.product(null, who, "Product Viewed", "p" + (i % 3), t.plusSeconds(i)));
    }
    RecordingItemStore counting = new RecordingItemStore(table.store());
    ApplyResult r = writer(counting, 100).apply(store, parsed(batch));
    // Sketches are written on their own (one by one, or grouped where that is cheaper); the
    // counters are the writes that touch person-days.
    List<Integer> itemsPerTx =
        counting.writeKeys().stream()
            .filter(keys -> keys.stream().anyMatch(k -> k.pk().startsWith("shop#USER#")))
            .map(List::size)
            .toList();
    assertThat(r.counted()).isEqualTo(200);
    assertThat(r.transactions()).isEqualTo(1);
    // 2 user-days + at most 2 store shards + 3 product buckets in each of the day's, week's and
    // month's product partitions + 2 first visits + the day's acquisition items (4 dimensions and
    // the totals), each written once.
    assertThat(itemsPerTx).hasSize(1);
    assertThat(itemsPerTx.get(0)).isBetween(19, 20);
    assertMatchesOracle(List.of(batch));
  }

  @Test
  void randomBatchingShufflingAndRedelivery_alwaysMatchTheOracle() {
    Random rnd = new Random(6);
    List<RawEvent> all = events.randomMix(rnd, 600, 60, 7, NOW);
    List<RawEvent> delivered = new ArrayList<>(all);
    // At-least-once: a tenth of the events come again, in some later batch.
    for (int i = 0; i < 60; i++) {
      delivered.add(rnd.nextInt(delivered.size() - 1) + 1, all.get(rnd.nextInt(all.size())));
    }
    List<List<RawEvent>> batches = new ArrayList<>();
    for (int i = 0; i < delivered.size(); ) {
      int n = 1 + rnd.nextInt(120);
      batches.add(delivered.subList(i, Math.min(delivered.size(), i + n)));
      i += n;
    }
    ItemMetricWriter w = writer(table.store(), 4 + rnd.nextInt(97));
    for (List<RawEvent> b : batches) {
      apply(w, b);
    }
    List<List<RawEvent>> replay = new ArrayList<>(batches);
    Collections.shuffle(replay, rnd);
    for (List<RawEvent> b : replay.subList(0, 5)) {
      apply(w, b);
    }
    assertMatchesOracle(batches);
  }

  /** The stored acquisition items of the days. */
  private Map<String, Map<String, Long>> storedAcquisition() {
    return MetricTable.acquisition(table.all(), store.id());
  }

  /** Dense visits (many events per device-day) with page context, so sessions merge and split. */
  private List<RawEvent> denseVisits(Random rnd, int count) {
    List<RawEvent> raw = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String anon = "d" + rnd.nextInt(8);
      String user = rnd.nextInt(4) == 0 ? "u" + anon : null;
      Instant at = NOW.minusSeconds(rnd.nextInt(2 * 86_400));
      int kind = rnd.nextInt(10);
      raw.add(
          kind < 6
              ? events.page(anon, user, at)
              : kind < 9
                  ? events.product(anon, user, "Product Viewed", "p" + rnd.nextInt(3), at)
                  : events.order(
                      anon, user, "Order Completed", at, new Object[] {"p1", "19.99", 1}));
    }
    return Events.withTouches(rnd, raw);
  }

  @Test
  void sessionsAndTheirAttribution_equalTheOracle_whateverTheOrderBatchingAndRedelivery() {
    for (int seed = 30; seed < 33; seed++) {
      table = freshTable();
      Random rnd = new Random(seed);
      List<RawEvent> all = denseVisits(rnd, 500);
      List<RawEvent> delivered = new ArrayList<>(all);
      Collections.shuffle(delivered, rnd); // late events everywhere: sessions merge after the fact
      for (int i = 0; i < 50; i++) {
        delivered.add(rnd.nextInt(delivered.size()), all.get(rnd.nextInt(all.size())));
      }
      ItemMetricWriter w = writer(table.store(), 10 + rnd.nextInt(91));
      for (List<RawEvent> b : split(delivered, 1 + rnd.nextInt(40))) {
        apply(w, b);
      }
      Map<String, Map<String, Long>> expected =
          dev.tally.testkit.metrics.AcquisitionOracle.expected(List.of(all), store.timezone());
      assertThat(expected.keySet()).anyMatch(k -> k.endsWith("|source"));
      assertThat(storedAcquisition()).as("seed " + seed).isEqualTo(expected);
      assertMatchesOracle(List.of(all));
      var returning =
          dev.tally.testkit.metrics.AcquisitionOracle.returning(List.of(all), store.timezone());
      assertThat(returning).isNotEmpty();
      for (var day : returning.entrySet()) {
        byte[] hll =
            table
                .store()
                .get(
                    ItemKey.of(
                        MetricKeys.sketchPk("shop", MetricKeys.RETURNING),
                        MetricKeys.daySk(day.getKey())))
                .orElseThrow()
                .bin(MetricKeys.HLL);
        // Eight devices at most: far below where the sketch starts to estimate.
        assertThat(dev.tally.core.agg.DistinctSketch.estimateUnion(List.of(hll)))
            .as("returning visitors on " + day.getKey())
            .isEqualTo(day.getValue().size());
      }
    }
  }

  @Test
  void aLateEarlierEvent_bridgesTwoSessions_andTakesTheirAttribution_withTheOrderInside() {
    Instant ten = Instant.parse("2025-03-20T10:00:00Z");
    RawEvent fromGoogle = touched(events.page("a", null, ten), "/p/1", "https://www.google.com/");
    RawEvent direct = touched(events.page("a", null, ten.plusSeconds(3_600)), "/p/2", null);
    RawEvent order =
        events.order(
            "a", null, "Order Completed", ten.plusSeconds(3_660), new Object[] {"p1", "5.00", 2});
    apply(writer(), List.of(direct, order, fromGoogle));
    Map<String, Map<String, Long>> acq = storedAcquisition();
    assertThat(acq.get("ACQ|2025-03-20|TOTAL")).containsEntry("sessions", 2L);
    assertThat(acq.get("ACQ|2025-03-20|source"))
        .containsEntry("sessions:google / organic", 1L)
        .containsEntry("sessions:(direct) / (none)", 1L)
        .containsEntry("revenue:(direct) / (none)", 1000L);

    // 10:30 from a newsletter: within 30 minutes of both, so one session; its first is still 10:00.
    RawEvent bridge =
        touched(
            events.page("a", null, ten.plusSeconds(1_800)),
            "/p/3?utm_source=newsletter&utm_medium=email&utm_campaign=Weekly",
            null);
    apply(writer(), List.of(bridge));
    acq = storedAcquisition();
    assertThat(acq.get("ACQ|2025-03-20|TOTAL")).containsEntry("sessions", 1L);
    assertThat(acq.get("ACQ|2025-03-20|source"))
        .isEqualTo(
            Map.of(
                "sessions:google / organic",
                1L,
                "orders:google / organic",
                1L,
                "revenue:google / organic",
                1000L));
    assertThat(acq.get("ACQ|2025-03-20|landingPage")).containsEntry("sessions:/p/1", 1L);

    // 09:45 from the newsletter arrives last: now it is the session's first event.
    RawEvent earliest =
        touched(
            events.page("a", null, ten.minusSeconds(900)),
            "/p/4?utm_source=newsletter&utm_medium=email&utm_campaign=Weekly",
            null);
    apply(writer(), List.of(earliest, bridge)); // the bridge again: already counted
    acq = storedAcquisition();
    assertThat(acq.get("ACQ|2025-03-20|source"))
        .isEqualTo(
            Map.of(
                "sessions:newsletter / email",
                1L,
                "orders:newsletter / email",
                1L,
                "revenue:newsletter / email",
                1000L));
    assertThat(acq.get("ACQ|2025-03-20|campaign")).containsEntry("sessions:Weekly", 1L);
    assertThat(acq.get("ACQ|2025-03-20|TOTAL"))
        .isEqualTo(Map.of("sessions", 1L, "newVisitors", 1L));
  }

  @Test
  void aDeviceIsNewOnTheDayOfItsEarliestEvent_evenWhenThatDayArrivesLast() {
    Instant day2 = Instant.parse("2025-03-19T12:00:00Z");
    apply(writer(), List.of(events.page("b", null, day2)));
    assertThat(storedAcquisition().get("ACQ|2025-03-19|TOTAL")).containsEntry("newVisitors", 1L);
    apply(writer(), List.of(events.page("b", null, day2.minusSeconds(3 * 86_400))));
    Map<String, Map<String, Long>> acq = storedAcquisition();
    assertThat(acq.get("ACQ|2025-03-16|TOTAL")).containsEntry("newVisitors", 1L);
    assertThat(acq.get("ACQ|2025-03-19|TOTAL")).doesNotContainKey("newVisitors");
    apply(writer(), List.of(events.page("b", null, day2.plusSeconds(3_600))));
    assertThat(storedAcquisition().get("ACQ|2025-03-19|TOTAL")).doesNotContainKey("newVisitors");
  }

  private static RawEvent touched(RawEvent e, String path, String referrer) {
    var ctx = dev.tally.core.event.Json.mapper().createObjectNode();
    var page = ctx.putObject("page").put("url", "https://shop.example" + path);
    if (referrer != null) {
      page.put("referrer", referrer);
    }
    ctx.put("userAgent", "Mozilla/5.0 (iPhone) Mobile Safari");
    return e.withContext(ctx);
  }

  @Test
  void topProducts_overRangesCrossingWeekAndMonthEdges_equalThePerDaySumOfTheOracle() {
    // 70 days ending 2025-03-20: January, February and March, weeks straddling month ends.
    Random rnd = new Random(18);
    List<RawEvent> all = events.randomMix(rnd, 3_000, 80, 70, NOW);
    List<List<RawEvent>> batches = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 250) {
      batches.add(all.subList(i, Math.min(all.size(), i + 250)));
    }
    ItemMetricWriter w = writer();
    for (List<RawEvent> b : batches) {
      apply(w, b);
    }
    apply(w, batches.get(3)); // a redelivery must not count twice in the roll-ups either
    Map<String, Map<String, Long>> oracle = Oracle.expected(batches, store.timezone());
    MetricsReader reader = new MetricsReader(table.store());
    LocalDate first = LocalDate.of(2025, 1, 9);
    LocalDate last = LocalDate.of(2025, 3, 20);
    List<LocalDate[]> ranges = new ArrayList<>();
    ranges.add(new LocalDate[] {first, last});
    ranges.add(new LocalDate[] {LocalDate.of(2025, 1, 27), LocalDate.of(2025, 3, 2)});
    ranges.add(new LocalDate[] {LocalDate.of(2025, 2, 1), LocalDate.of(2025, 2, 28)});
    ranges.add(new LocalDate[] {LocalDate.of(2025, 1, 31), LocalDate.of(2025, 3, 1)});
    ranges.add(new LocalDate[] {LocalDate.of(2025, 2, 24), LocalDate.of(2025, 3, 9)});
    for (int i = 0; i < 40; i++) {
      LocalDate from = first.plusDays(rnd.nextInt(70));
      ranges.add(new LocalDate[] {from, from.plusDays(rnd.nextInt(70))});
    }
    for (LocalDate[] r : ranges) {
      Map<String, Map<String, Long>> expected = new java.util.TreeMap<>();
      oracle.forEach(
          (key, counters) -> {
            String[] parts = key.split("\\|");
            if (parts[0].equals("PRODUCT")) {
              LocalDate day = LocalDate.parse(parts[2]);
              if (!day.isBefore(r[0]) && !day.isAfter(r[1])) {
                counters.forEach(
                    (c, v) ->
                        expected
                            .computeIfAbsent(parts[1], k -> new java.util.TreeMap<>())
                            .merge(c, v, Long::sum));
              }
            }
          });
      Map<String, Map<String, Long>> read = new java.util.TreeMap<>();
      reader
          .products(store.id(), new DateRange(r[0], r[1]))
          .forEach((p, c) -> read.put(p, new java.util.TreeMap<>(c)));
      read.values().forEach(c -> c.values().removeIf(v -> v == 0));
      read.values().removeIf(Map::isEmpty);
      assertThat(read).as("products %s..%s", r[0], r[1]).isEqualTo(expected);
    }
  }

  @Test
  void customerItems_countEachOrderOnce_inTheIndexAndTheDayWeekAndMonthBuyers() {
    Instant monday = Instant.parse("2025-03-10T09:00:00Z");
    Instant tuesday = Instant.parse("2025-03-18T09:00:00Z");
    com.fasterxml.jackson.databind.node.ObjectNode euros =
        dev.tally.core.event.Json.mapper().createObjectNode().put("currency", "EUR");
    euros.put("revenue", new java.math.BigDecimal("99.00"));
    List<RawEvent> all =
        List.of(
            events.page("a1", null, monday),
            events.order("a1", "alice", "Order Completed", monday, new Object[] {"p1", "10.00", 2}),
            events.order(
                null,
                "alice",
                "Order Completed",
                monday.plusSeconds(60),
                new Object[] {"p2", "0.99", 1}),
            events.track("a1", "alice", "Order Completed", euros, tuesday),
            events.order("g1", null, "Order Completed", tuesday, new Object[] {"p1", "10.00", 1}),
            events.order(
                null,
                "alice",
                "Order Refunded",
                tuesday.plusSeconds(5),
                new Object[] {"p1", "10.00", 1}));
    ItemMetricWriter w = writer();
    split(all, 2).forEach(b -> apply(w, b));
    split(all, 3).forEach(b -> assertThat(apply(w, b).counted()).isZero());

    var alice = table.store().get(MetricKeys.customerKey("shop", "alice")).orElseThrow();
    assertThat(alice.num(MetricKeys.ORDERS_COMPLETED)).isEqualTo(3);
    // The order in euros counts as an order; its amount is not converted, refunds do not subtract.
    assertThat(alice.num(MetricKeys.REVENUE)).isEqualTo(2_099);
    assertThat(alice.marks(MetricKeys.ORDER_DAYS))
        .containsExactlyInAnyOrder(
            LocalDate.of(2025, 3, 10).toEpochDay(), LocalDate.of(2025, 3, 18).toEpochDay());
    assertThat(buyers(Periods.Kind.WEEK, LocalDate.of(2025, 3, 10)))
        .isEqualTo(Map.of("alice", List.of(2L, 2_099L)));
    assertThat(buyers(Periods.Kind.WEEK, LocalDate.of(2025, 3, 17)))
        .isEqualTo(Map.of("alice", List.of(1L, 0L), "g1", List.of(1L, 1_000L)));
    assertThat(buyers(Periods.Kind.MONTH, LocalDate.of(2025, 3, 1)))
        .isEqualTo(Map.of("alice", List.of(3L, 2_099L), "g1", List.of(1L, 1_000L)));
    assertThat(buyers(Periods.Kind.DAY, LocalDate.of(2025, 3, 18)))
        .isEqualTo(Map.of("alice", List.of(1L, 0L), "g1", List.of(1L, 1_000L)));
    // The guest who never signed in is a customer under the anonymous id; pages make no one one.
    assertThat(table.store().get(MetricKeys.customerKey("shop", "a1"))).isEmpty();
    assertThat(table.store().get(MetricKeys.customerKey("shop", "g1"))).isPresent();
  }

  /** uid → [orders, revenue] of one buyers partition. */
  private Map<String, List<Long>> buyers(Periods.Kind kind, LocalDate start) {
    Map<String, List<Long>> out = new java.util.TreeMap<>();
    for (var i :
        table
            .store()
            .query(
                dev.tally.core.item.ItemQuery.partition(
                    MetricKeys.buyersPk("shop", new Periods.Part(kind, start))))) {
      Long revenue = i.numOrNull(MetricKeys.REVENUE);
      out.put(
          MetricKeys.uidOfCustomerSk(i.key().sk()),
          List.of(i.num(MetricKeys.ORDERS_COMPLETED), revenue == null ? 0L : revenue));
    }
    return out;
  }

  @Test
  void sketches_holdEachDayStepsDistinctDevices() {
    List<RawEvent> all = events.randomMix(new Random(7), 500, 80, 3, NOW);
    apply(writer(), all);
    for (FunnelStep step : List.of(FunnelStep.VISITED, FunnelStep.VIEWED_PRODUCT)) {
      Set<String> devices = new HashSet<>();
      for (RawEvent e : all) {
        boolean reached = step == FunnelStep.VISITED || "Product Viewed".equals(e.name());
        if (e.isActivity()
            && reached
            && LocalDate.ofInstant(e.at(), store.timezone()).equals(LocalDate.of(2025, 3, 19))) {
          devices.add(e.deviceId());
        }
      }
      var item =
          table
              .store()
              .get(ItemKey.of(MetricKeys.sketchPk("shop", step), "DAY#2025-03-19"))
              .orElseThrow();
      long estimate = DistinctSketch.estimateUnion(List.of(item.bin(MetricKeys.HLL)));
      assertThat(estimate).isEqualTo(devices.size());

      // The week's roll-up holds every device of the week's days (2025-03-17 is that Monday).
      Set<String> weekDevices = new HashSet<>();
      for (RawEvent e : all) {
        boolean reached = step == FunnelStep.VISITED || "Product Viewed".equals(e.name());
        LocalDate day = LocalDate.ofInstant(e.at(), store.timezone());
        if (e.isActivity()
            && reached
            && dev.tally.core.agg.Weeks.start(day).equals(LocalDate.of(2025, 3, 17))) {
          weekDevices.add(e.deviceId());
        }
      }
      var week =
          table
              .store()
              .get(
                  ItemKey.of(
                      MetricKeys.sketchWeekPk("shop", step),
                      MetricKeys.weekSk(LocalDate.of(2025, 3, 17))))
              .orElseThrow();
      assertThat(DistinctSketch.estimateUnion(List.of(week.bin(MetricKeys.HLL))))
          .isEqualTo(weekDevices.size());
    }
  }

  /**
   * A store where, just before the first write call that holds an item of {@code pkPart}, another
   * writer changes that first item ({@code race}) so the call's condition fails.
   */
  private static ItemStore racing(ItemStore inner, String pkPart, Consumer<ItemKey> race) {
    AtomicBoolean raced = new AtomicBoolean();
    return new ForwardingItemStore(inner) {
      @Override
      public void write(List<? extends ItemWrite> writes) {
        for (ItemWrite w : writes) {
          if (w.key().pk().contains(pkPart) && raced.compareAndSet(false, true)) {
            race.accept(w.key());
            break;
          }
        }
        super.write(writes);
      }
    };
  }

  @Test
  void aSketchChangedByAnotherWriterMidWrite_keepsBothWritersIds() {
    List<RawEvent> all = events.randomMix(new Random(8), 300, 60, 3, NOW);
    ItemKey[] changed = new ItemKey[1];
    ItemStore racing =
        racing(
            table.store(),
            "#SKETCH#",
            key -> {
              changed[0] = key;
              var item = table.store().get(key).orElse(null);
              byte[] before = item == null ? null : item.bin(MetricKeys.HLL);
              table
                  .store()
                  .write(
                      List.of(
                          ItemWrite.update(key)
                              .set(
                                  MetricKeys.HLL,
                                  AttrValue.bin(DistinctSketch.add(before, Set.of("intruder"))))
                              .add(MetricKeys.VERSION, 1)
                              .when(
                                  Condition.versionIs(
                                      MetricKeys.VERSION,
                                      item == null ? null : item.numOrNull(MetricKeys.VERSION)))
                              .build()));
            });
    apply(writer(racing, 100), all);
    assertMatchesOracle(List.of(all));

    // Every sketch holds what a writer without the race stores; the raced one the intruder too.
    EngineTable quiet = freshTable();
    writer(quiet.store(), 100).apply(store, parsed(all));
    for (var item : quiet.all()) {
      if (!item.key().pk().contains("#SKETCH")) {
        continue;
      }
      long expected = DistinctSketch.estimateUnion(List.of(item.bin(MetricKeys.HLL)));
      long stored =
          DistinctSketch.estimateUnion(
              List.of(table.store().get(item.key()).orElseThrow().bin(MetricKeys.HLL)));
      assertThat(stored)
          .as("sketch %s", item.key())
          .isEqualTo(item.key().equals(changed[0]) ? expected + 1 : expected);
    }
    assertThat(changed[0]).isNotNull();
  }

  @Test
  void aDeviceLinkedElsewhereMidWrite_keepsThatLink_andTheBatchsOtherLinksLand() {
    Instant t = NOW.minusSeconds(600);
    List<RawEvent> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(events.identify("dev" + i, "user" + i, t.plusSeconds(i)));
      batch.add(events.page("dev" + i, null, t.plusSeconds(i)));
    }
    String[] raced = new String[1];
    ItemStore racing =
        racing(
            table.store(),
            "#ALIAS#",
            key -> {
              String anon = key.pk().substring((store.id() + "#ALIAS#").length());
              raced[0] = anon;
              table
                  .store()
                  .write(
                      List.of(
                          ItemWrite.put(
                              Item.of(key, Map.of(MetricKeys.USER_ID, AttrValue.str("mallory"))),
                              Condition.ABSENT),
                          ItemWrite.put(
                              Item.of(
                                  ItemKey.of(
                                      MetricKeys.linksPk(store.id(), "mallory"),
                                      MetricKeys.linkSk(anon)),
                                  Map.of()),
                              Condition.NONE)));
            });
    apply(writer(racing, 100), batch);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String user = ("dev" + i).equals(raced[0]) ? "mallory" : "user" + i;
      expected.add("dev" + i + "→" + user);
      expected.add("via-user:dev" + i + "→" + user);
    }
    assertThat(raced[0]).isNotNull();
    assertThat(MetricTable.links(table.all(), store.id()))
        .containsExactlyInAnyOrderElementsOf(expected);
  }
}
