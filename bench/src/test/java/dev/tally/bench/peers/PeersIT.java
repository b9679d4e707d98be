package dev.tally.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The peers comparison at 20,000 raw events on real engines (Tally on SQLite, DuckDB, PostgreSQL
 * 15, OpenSearch 2.19 loaded by replay): every engine answers every question, and the answers are
 * equal (counts and money exactly; distinct people within 2% where Tally's sketches or OpenSearch's
 * cardinality estimate them).
 */
class PeersIT {
  @Test
  void atTwentyThousandEvents_everyEngineGivesTheSameAnswers() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ArrayNode results =
        new PeersBench(
                new PeersBench.Config(
                    List.of(20_000),
                    List.of("tally", "duckdb", "postgres", "opensearch"),
                    LocalDate.of(2026, 11, 29),
                    1,
                    3,
                    10,
                    true,
                    "512m",
                    false,
                    null),
                new PrintStream(log, true, StandardCharsets.UTF_8))
            .run();
    System.out.print(log.toString(StandardCharsets.UTF_8));
    JsonNode volume = results.get(0);
    assertThat(volume.path("mismatches")).as(log.toString(StandardCharsets.UTF_8)).isEmpty();
    JsonNode engines = volume.path("engines");
    assertThat(engines)
        .extracting(e -> e.path("engine").asText())
        .containsExactly(
            "Tally (in-process)", "Tally (HTTP)", "DuckDB", "PostgreSQL", "OpenSearch");
    for (JsonNode e : engines) {
      assertThat(e.path("questions")).hasSize(10);
    }
    // The answers are not trivially equal: real figures on every question.
    JsonNode duck = engines.get(2).path("questions");
    assertThat(duck.get(0).at("/answer/steps/4/userDays").asLong()).isPositive();
    assertThat(duck.get(1).at("/answer/days")).isNotEmpty();
    assertThat(duck.get(2).at("/answer/days")).isNotEmpty();
    assertThat(duck.get(3).at("/answer/products")).hasSize(10);
    assertThat(duck.get(4).at("/answer/revenue").asLong()).isPositive();
    assertThat(duck.get(9).at("/answer/prevVisitors").asLong()).isPositive();
    // OpenSearch measured its own server: storage of its indexes, its JVM's memory.
    JsonNode os = engines.get(4);
    assertThat(os.path("storageBytes").asLong()).isPositive();
    assertThat(os.path("peakRssBytes").asLong()).isGreaterThan(256L << 20);
    // Its distinct people are cardinality estimates by default, and its run says so.
    assertThat(os.path("distinct").asText()).isEqualTo("cardinality");
    // The user asked about signed in from several devices, and their history merges them.
    String user = volume.path("user").asText();
    assertThat(
            new PeerWorkload(20_000, LocalDate.of(2026, 11, 29))
                .chunk(0, 20_000).stream()
                    .filter(e -> user.equals(e.path("userId").asText(null)))
                    .map(e -> e.path("anonymousId").asText())
                    .distinct()
                    .count())
        .isGreaterThan(1);
  }
}
