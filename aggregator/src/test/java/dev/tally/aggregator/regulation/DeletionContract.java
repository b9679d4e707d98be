package dev.tally.aggregator.regulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.MetricWriter;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.regulation.ItemRegulations;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.regulation.LinkedIdsStep;
import dev.tally.core.regulation.PersonItemsStep;
import dev.tally.core.regulation.RawEventSource;
import dev.tally.core.regulation.RedactStep;
import dev.tally.core.regulation.RegulationJob;
import dev.tally.core.regulation.RegulationState;
import dev.tally.core.regulation.RegulationType;
import dev.tally.core.regulation.SketchRebuildStep;
import dev.tally.core.regulation.SubjectType;
import dev.tally.core.regulation.SubtractStep;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.metrics.MetricTable;
import dev.tally.testkit.metrics.Oracle;
import dev.tally.testkit.metrics.RawEvent;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The deletion job over the item port, on every engine: a user and their devices deleted with
 * {@code subtract}; afterwards no item names them, the remaining people and the store figures equal
 * the oracle without them, redelivering their events changes nothing, and a second run neither.
 */
abstract class DeletionContract {
  static final Store STORE = Store.of("shop", "UTC", "USD", List.of());

  /** The metrics table (pk + sk) on the engine under test. */
  protected abstract EngineTable metricsTable();

  /** A key-only table (the stores table) on the engine under test. */
  protected abstract ItemStore keyOnlyTable();

  @Test
  void deletedUserWithSubtract_isGone_andTheRestEqualsTheOracle() {
    List<RawEvent> raw =
        new Workload(4, 20, 6, 3, 400, LocalDate.now(ZoneOffset.UTC).minusDays(1))
            .generate().stream().map(RawEvent::fromSegment).toList();
    List<List<RawEvent>> batches = new ArrayList<>();
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < raw.size(); i += 25) {
      List<RawEvent> b = raw.subList(i, Math.min(raw.size(), i + 25));
      batches.add(b);
      entries.add(new LogEntry("e" + i, STORE.id(), b.stream().map(RawEvent::toEvent).toList()));
    }
    EngineTable table = metricsTable();
    ItemStore metrics = table.store();
    ItemStore stores = keyOnlyTable();
    ItemSuppressionList suppressions = new ItemSuppressionList(stores, Clock.systemUTC());
    MetricWriter writer =
        new SuppressingMetricWriter(
            new ItemMetricWriter(metrics, new AggregatorConfig(4, 100, 8)), suppressions);
    entries.forEach(e -> writer.apply(STORE, e.events()));

    Map<String, String> links = Oracle.links(batches);
    String user =
        links.values().stream()
            .sorted()
            // A signed-in customer, so their customer and buyers items are deleted too.
            .filter(u -> metrics.get(MetricKeys.customerKey(STORE.id(), u)).isPresent())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no linked customer"));
    Set<String> gone = new HashSet<>(Set.of(user));
    links.forEach(
        (a, u) -> {
          if (u.equals(user)) {
            gone.add(a);
          }
        });

    // The person bought: their customer-index and buyers items exist, and must go with them.
    assertThat(table.all())
        .filteredOn(i -> i.key().pk().contains("#CUSTOMERS#") || i.key().pk().contains("#BUYERS#"))
        .filteredOn(i -> PersonItemsStep.mentions(i, gone))
        .extracting(i -> i.key().pk().split("#")[1])
        .contains("CUSTOMERS", "BUYERS");

    ListArchive archive = new ListArchive(entries);
    InMemoryStoreRegistry registry = new InMemoryStoreRegistry();
    registry.create(STORE, "wk_x", "rk_x");
    ItemRegulations regulations = new ItemRegulations(stores);
    RawEventSource source = archive.source();
    RegulationJob job =
        new RegulationJob(
            registry,
            regulations,
            suppressions,
            new LinkedIdsStep(metrics),
            List.of(
                SubtractStep.subtract(metrics, source, 4),
                SubtractStep.keep(metrics, source, 4),
                new RedactStep(archive.redactor(), null, regulations),
                new PersonItemsStep(metrics),
                new SketchRebuildStep(metrics, source, suppressions, 4)),
            Clock.systemUTC());
    var r =
        job.newRegulation(
            STORE.id(),
            RegulationType.SUPPRESS_WITH_DELETE,
            SubjectType.USER_ID,
            List.of(user),
            true);
    job.submit(r);
    assertThat(job.run(r.id()).orElseThrow().status()).isEqualTo(RegulationState.Status.DONE);

    List<List<RawEvent>> remaining = new ArrayList<>();
    for (List<RawEvent> b : batches) {
      remaining.add(
          b.stream()
              .filter(
                  e ->
                      !gone.contains(e.userId())
                          && !gone.contains(e.anonymousId())
                          && !gone.contains(e.previousId()))
              .toList());
    }
    Map<String, Map<String, Long>> expected = Oracle.expected(remaining, STORE.timezone());
    assertThat(figures(table)).isEqualTo(figures(expected));
    assertNoMention(table.all(), gone);

    // Their events redelivered (in flight when they were deleted) and the job run again.
    List<Item> before = table.all();
    entries.forEach(e -> writer.apply(STORE, e.events()));
    var again =
        job.newRegulation(
            STORE.id(),
            RegulationType.SUPPRESS_WITH_DELETE,
            SubjectType.USER_ID,
            List.of(user),
            true);
    job.submit(again);
    assertThat(job.run(again.id()).orElseThrow().status()).isEqualTo(RegulationState.Status.DONE);
    Map<String, Item> after = byKey(table.all());
    Map<String, Item> was = byKey(before);
    assertThat(after.keySet()).isEqualTo(was.keySet());
    was.forEach(
        (k, v) -> {
          Item now = after.get(k);
          if (v.has(MetricKeys.HLL)) {
            // The live writer re-serializes a sketch it adds known ids to: same ids, maybe other
            // bytes and version.
            long alone = DistinctSketch.estimateUnion(List.of(v.bin(MetricKeys.HLL)));
            assertThat(
                    DistinctSketch.estimateUnion(
                        List.of(v.bin(MetricKeys.HLL), now.bin(MetricKeys.HLL))))
                .as(k)
                .isEqualTo(alone)
                .isEqualTo(DistinctSketch.estimateUnion(List.of(now.bin(MetricKeys.HLL))));
          } else {
            assertThat(now).as(k).isEqualTo(v);
          }
        });
  }

  /**
   * People's and the store's figures (products: the oracle's per-product map is the same shape).
   */
  private static Map<String, Map<String, Long>> figures(EngineTable table) {
    return figures(MetricTable.read(table.all(), STORE.id()));
  }

  private static Map<String, Map<String, Long>> figures(Map<String, Map<String, Long>> all) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    all.forEach(
        (k, v) -> {
          Map<String, Long> nonZero = new TreeMap<>();
          v.forEach(
              (a, n) -> {
                if (n != 0) {
                  nonZero.put(a, n);
                }
              });
          if (!nonZero.isEmpty()) {
            out.put(k, nonZero);
          }
        });
    return out;
  }

  private static Map<String, Item> byKey(List<Item> items) {
    Map<String, Item> out = new TreeMap<>();
    // A second regulation leaves its own subtraction marker ({store}#REGSUB / its id) and no more.
    items.stream()
        .filter(i -> !i.key().pk().endsWith("#REGSUB"))
        .forEach(i -> out.put(i.key().pk() + "|" + i.key().sk(), i));
    return out;
  }

  private static void assertNoMention(List<Item> items, Set<String> ids) {
    for (Item i : items) {
      assertThat(PersonItemsStep.mentions(i, ids)).as(i.key().toString()).isFalse();
    }
  }
}
