package dev.tally.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Event;
import dev.tally.core.event.Json;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import dev.tally.opensearch.replay.ReplaySummary;
import dev.tally.testkit.OpenSearchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay into a real OpenSearch 2.19: a seeded workload of two stores (Berlin/EUR and New York/USD)
 * counted by the real aggregator and archived by the real archiver, replayed whole, again, and in
 * overlapping ranges; the document count equals the accepted events every time.
 */
@ExtendWith(OpenSearchServer.class)
class ReplayIT {
  static final LocalDate FROM = SeededTally.FROM;
  static final int DAYS = SeededTally.DAYS;

  @TempDir static Path dir;
  static LocalTally tally;
  static OpenSearch os;
  static long acceptedS1;
  static long acceptedS2;

  @BeforeAll
  static void seed() {
    SeededTally seeded = SeededTally.get();
    tally = seeded.tally;
    acceptedS1 = seeded.s1.size();
    acceptedS2 = seeded.s2.size();
    os = OpenSearch.connect(OpenSearchServer.url());
  }

  @AfterAll
  static void close() {
    os.close();
  }

  static ReplaySummary replay(IndexNames names, ArchiveFilter filter, boolean restart, Path work) {
    return replay(tally, names, filter, restart, work);
  }

  static ReplaySummary replay(
      LocalTally from, IndexNames names, ArchiveFilter filter, boolean restart, Path work) {
    ReplayConfig config =
        ReplayConfig.defaults(work)
            .withNames(names)
            .withFilter(filter)
            .withRestart(restart)
            .withBulkBytes(512 * 1024);
    ReplaySummary s =
        new Replay(from.archive(), os, from::store, config, new Replay.Listener() {})
            .run(OpenSearchServer.url().toString());
    os.refresh(names.pattern());
    System.out.println(names.prefix() + ": " + s.describe());
    return s;
  }

  static ArchiveFilter range(String store, LocalDate from, LocalDate to) {
    return new ArchiveFilter(
        Optional.ofNullable(store), Optional.ofNullable(from), Optional.ofNullable(to));
  }

  @Test
  void replayedTwiceAndOverlapping_documentCountEqualsAcceptedEvents() throws Exception {
    IndexNames names = new IndexNames("twice");
    Path work = Files.createDirectories(dir.resolve("twice"));
    ReplaySummary first = replay(names, ArchiveFilter.all(), false, work);
    assertThat(first.badRows()).isZero();
    assertThat(first.created()).isEqualTo(acceptedS1 + acceptedS2);
    assertThat(os.count(names.pattern())).isEqualTo(acceptedS1 + acceptedS2);
    assertThat(os.count(names.storeAlias("s1"))).isEqualTo(acceptedS1);
    assertThat(os.count(names.storeAlias("s2"))).isEqualTo(acceptedS2);

    // The same replay again, from scratch: every document is overwritten, none added.
    ReplaySummary again = replay(names, ArchiveFilter.all(), true, work);
    assertThat(again.created()).isZero();
    assertThat(again.updated()).isEqualTo(acceptedS1 + acceptedS2);
    // Overlapping ranges of one store, then the other store alone.
    replay(names, range("s1", FROM.plusDays(1), FROM.plusDays(5)), true, work);
    replay(names, range("s1", FROM.plusDays(4), FROM.plusDays(DAYS + 2)), true, work);
    ReplaySummary s2Only = replay(names, range("s2", FROM, FROM.plusDays(3)), true, work);
    assertThat(s2Only.created()).isZero();
    assertThat(os.count(names.pattern())).isEqualTo(acceptedS1 + acceptedS2);
    assertThat(os.count(names.storeAlias("s1"))).isEqualTo(acceptedS1);
    // Monthly indexes by store-local day: October and November.
    assertThat(os.indices(names.pattern()))
        .containsExactlyInAnyOrder("twice-events-2026.10", "twice-events-2026.11");
    // Without --restart, a finished replay has nothing left to do.
    ReplaySummary resumed = replay(names, ArchiveFilter.all(), false, work);
    assertThat(resumed.filesSkipped()).isEqualTo(resumed.files());
    assertThat(resumed.eventsRead()).isZero();
  }

  @Test
  void rangeReplay_indexesOnlyThatStoreAndThoseStoreLocalDays() throws Exception {
    IndexNames names = new IndexNames("range");
    Path work = Files.createDirectories(dir.resolve("range"));
    LocalDate day = FROM.plusDays(2);
    ReplaySummary s = replay(names, range("s1", day, day), false, work);
    JsonNode r =
        os.search(
            names.pattern(),
            Json.mapper()
                .readTree(
                    "{\"size\":0,\"aggs\":{\"d\":{\"terms\":{\"field\":\"day\",\"format\":\"yyyy-MM-dd\"}},\"s\":{\"terms\":{\"field\":\"store\"}}}}"));
    assertThat(r.path("aggregations").path("d").path("buckets")).hasSize(1);
    assertThat(
            r.path("aggregations").path("d").path("buckets").get(0).path("key_as_string").asText())
        .isEqualTo(day.toString());
    assertThat(r.path("aggregations").path("s").path("buckets")).hasSize(1);
    assertThat(os.count(names.pattern())).isEqualTo(s.eventsIndexed()).isPositive();
  }

  @Test
  void aPropertyWith2000DistinctKeys_doesNotGrowTheMapping_andAnImmenseValueIsABadRow()
      throws Exception {
    IndexNames names = new IndexNames("wide");
    Path work = Files.createDirectories(dir.resolve("wide"));
    Workload w = new Workload(3, "wide");
    LocalTally wide = new LocalTally(dir.resolve("wide-data"));
    wide.addStore("s3", "UTC", "USD");
    List<Event> events = new ArrayList<>();
    java.time.Instant at = FROM.atStartOfDay(ZoneId.of("UTC")).toInstant().plusSeconds(3600);
    ObjectNode all = Json.mapper().createObjectNode();
    for (int i = 0; i < 2000; i++) {
      all.put("key_" + i, i);
      events.add(
          w.track(
              "wide-anon",
              null,
              at.plusSeconds(i),
              "Custom Thing",
              Json.mapper().createObjectNode().put("only_" + i, "v" + i)));
    }
    events.add(w.track("wide-anon", null, at, "All Keys", all));
    // Longer than Lucene's 32766-byte term limit: OpenSearch refuses this one document.
    events.add(
        w.track(
            "wide-anon",
            null,
            at,
            "Immense",
            Json.mapper().createObjectNode().put("blob", "x".repeat(40_000))));
    wide.send("s3", events);
    wide.settle();

    ReplaySummary s = replay(wide, names, ArchiveFilter.all(), false, work);
    wide.close();
    assertThat(s.badRows()).isEqualTo(1);
    assertThat(os.count(names.pattern())).isEqualTo(events.size() - 1);
    List<String> bad = Files.readAllLines(work.resolve("replay-bad-rows.jsonl"));
    assertThat(bad).hasSize(1);
    JsonNode row = Json.mapper().readTree(bad.get(0));
    assertThat(row.path("status").asInt()).isEqualTo(400);
    assertThat(row.path("document").path("event").asText()).isEqualTo("Immense");
    // The mapping is the template's: properties is one flat_object, no field per key.
    JsonNode mapping = os.require("GET", "/" + names.index(FROM) + "/_mapping", null);
    JsonNode props = mapping.path(names.index(FROM)).path("mappings").path("properties");
    assertThat(props.path("properties").path("type").asText()).isEqualTo("flat_object");
    assertThat(props.size()).isLessThan(60);
    // And a key is still searchable.
    JsonNode hit =
        os.search(
            names.storeAlias("s3"),
            Json.mapper().readTree("{\"query\":{\"term\":{\"properties.only_1999\":\"v1999\"}}}"));
    assertThat(hit.path("hits").path("total").path("value").asLong()).isEqualTo(1);
  }
}
