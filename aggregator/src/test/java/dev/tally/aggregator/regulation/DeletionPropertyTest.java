package dev.tally.aggregator.regulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.ItemStore;
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
import dev.tally.core.sim.Workload;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteItemStore;
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
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: delete a random subset of people (signed-in users with their devices, and anonymous
 * visitors who never signed in) from a random workload cut into random batches; every remaining
 * person's figures equal the oracle's over the remaining people's events, and the device sketches
 * hold exactly the remaining devices.
 */
class DeletionPropertyTest {
  static final Store STORE = Store.of("shop", "UTC", "USD", List.of());

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34})
  void remainingPeople_equalTheOracleOverTheRemainingPeople(long seed) {
    Random rnd = new Random(seed);
    List<RawEvent> raw =
        new Workload(seed, 25, 8, 4, 500, LocalDate.now(ZoneOffset.UTC).minusDays(1))
            .generate().stream().map(RawEvent::fromSegment).toList();
    List<List<RawEvent>> batches = new ArrayList<>();
    for (int i = 0; i < raw.size(); ) {
      int n = 1 + rnd.nextInt(30);
      batches.add(raw.subList(i, Math.min(raw.size(), i + n)));
      i += n;
    }
    List<LogEntry> entries = new ArrayList<>();
    for (List<RawEvent> b : batches) {
      entries.add(
          new LogEntry(
              "e" + entries.size(), STORE.id(), b.stream().map(RawEvent::toEvent).toList()));
    }
    try (SqliteDatabase db = SqliteDatabase.openInMemory()) {
      SqliteItemStore metrics = db.table("metrics");
      SqliteItemStore stores = db.table("stores");
      ItemMetricWriter writer = new ItemMetricWriter(metrics, new AggregatorConfig(4, 100, 8));
      entries.forEach(e -> writer.apply(STORE, e.events()));

      // The subjects: some users, some anonymous visitors who never signed in.
      Map<String, String> links = Oracle.links(batches);
      Set<String> users = new HashSet<>();
      Set<String> loneDevices = new HashSet<>();
      for (RawEvent e : raw) {
        if (e.userId() != null) {
          users.add(e.userId());
        } else if (e.anonymousId() != null && !links.containsKey(e.anonymousId())) {
          loneDevices.add(e.anonymousId());
        }
      }
      List<String> deletedUsers = users.stream().sorted().filter(u -> rnd.nextInt(3) == 0).toList();
      List<String> deletedDevices =
          loneDevices.stream().sorted().filter(u -> rnd.nextInt(3) == 0).toList();
      Set<String> gone = new HashSet<>(deletedUsers);
      gone.addAll(deletedDevices);
      links.forEach(
          (anon, user) -> {
            if (deletedUsers.contains(user)) {
              gone.add(anon);
            }
          });

      ListArchive archive = new ListArchive(entries);
      InMemoryStoreRegistry registry = new InMemoryStoreRegistry();
      registry.create(STORE, "wk_x", "rk_x");
      ItemRegulations regulations = new ItemRegulations(stores);
      ItemSuppressionList suppressions = new ItemSuppressionList(stores, Clock.systemUTC());
      RawEventSource source = archive.source();
      RegulationJob job =
          new RegulationJob(
              registry,
              regulations,
              suppressions,
              new LinkedIdsStep(metrics),
              List.of(
                  new RedactStep(archive.redactor(), null, regulations),
                  new PersonItemsStep(metrics),
                  new SketchRebuildStep(metrics, source, suppressions, 4)),
              Clock.systemUTC());
      for (var subjects :
          List.of(
              Map.entry(SubjectType.USER_ID, deletedUsers),
              Map.entry(SubjectType.ANONYMOUS_ID, deletedDevices))) {
        if (subjects.getValue().isEmpty()) {
          continue;
        }
        var r =
            job.newRegulation(
                STORE.id(),
                RegulationType.SUPPRESS_WITH_DELETE,
                subjects.getKey(),
                subjects.getValue());
        job.submit(r);
        RegulationState s = job.run(r.id()).orElseThrow();
        assertThat(s.status()).as(s.toString()).isEqualTo(RegulationState.Status.DONE);
      }

      List<List<RawEvent>> remaining = new ArrayList<>();
      for (List<RawEvent> b : batches) {
        remaining.add(b.stream().filter(e -> !names(e, gone)).toList());
      }
      Map<String, Map<String, Long>> expected = Oracle.expected(remaining, STORE.timezone());
      Map<String, Map<String, Long>> actual = MetricTable.read(metrics.scan(), STORE.id());
      assertThat(people(actual)).isEqualTo(people(expected));
      assertThat(actual.keySet())
          .noneMatch(k -> k.startsWith("USER|") && gone.contains(k.split("\\|")[1]));
      assertSketches(metrics, expected);
    }
  }

  /** Each day's sketch of visitors estimates the oracle's distinct visitors of that day. */
  private static void assertSketches(ItemStore metrics, Map<String, Map<String, Long>> expected) {
    for (var e : expected.entrySet()) {
      if (!e.getKey().startsWith("STORE|")) {
        continue;
      }
      LocalDate day = LocalDate.parse(e.getKey().substring(6));
      long visited = e.getValue().getOrDefault("visited", 0L);
      byte[] hll =
          metrics
              .get(
                  dev.tally.core.item.ItemKey.of(
                      dev.tally.core.item.MetricKeys.sketchPk(
                          STORE.id(), dev.tally.core.agg.FunnelStep.values()[0]),
                      dev.tally.core.item.MetricKeys.daySk(day)))
              .map(i -> i.bin(dev.tally.core.item.MetricKeys.HLL))
              .orElse(null);
      long estimate =
          hll == null ? 0 : dev.tally.core.agg.DistinctSketch.estimateUnion(List.of(hll));
      assertThat(estimate).as("visitors on %s", day).isEqualTo(visited);
    }
  }

  private static Map<String, Map<String, Long>> people(Map<String, Map<String, Long>> m) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    m.forEach(
        (k, v) -> {
          if (k.startsWith("USER|")) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static boolean names(RawEvent e, Set<String> ids) {
    return ids.contains(e.userId())
        || ids.contains(e.anonymousId())
        || ids.contains(e.previousId());
  }
}
