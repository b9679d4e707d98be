package dev.tally.bench;

import dev.tally.bench.peers.PeersBench;
import dev.tally.bench.peers.PeersChart;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally bench peers}: Tally beside DuckDB, PostgreSQL and OpenSearch on the same raw events.
 */
@Command(
    name = "peers",
    mixinStandardHelpOptions = true,
    description = {
      "Tally against read-time engines on one seeded 90-day workload: load time, storage, p50/p99"
          + " of five questions over 90 and 30 days, peak memory; every answer compared.",
      "Each engine runs in its own JVM (peak memory is its own). Fails on any mismatch."
    })
public final class PeersBenchCommand implements Callable<Integer> {
  @Option(
      names = "--events",
      split = ",",
      description = "Raw event volumes (default: ${DEFAULT-VALUE}).")
  List<Integer> volumes = List.of(1_000_000, 10_000_000);

  @Option(
      names = "--engines",
      split = ",",
      description = "Engines: tally, duckdb, postgres, opensearch (default: ${DEFAULT-VALUE}).")
  List<String> engines = List.of("tally", "duckdb", "postgres", "opensearch");

  @Option(
      names = "--iterations",
      description = "Measured runs per question (default: ${DEFAULT-VALUE}).")
  int iterations = 100;

  @Option(
      names = "--warmup",
      description =
          "Unmeasured runs per question first (the first gives the answer compared), stopped"
              + " after a quarter of its time budget; enough for the JVM engines' compilers to"
              + " finish (default: ${DEFAULT-VALUE}).")
  int warmup = 1000;

  @Option(
      names = "--seconds-per-question",
      description =
          "Stop measuring a question after this long, once it has 5 runs (default: ${DEFAULT-VALUE}).")
  double secondsPerQuestion = 5;

  @Option(
      names = "--child-heap",
      description =
          "-Xmx of each engine's JVM, and OpenSearch's server heap; engine=size sets one engine's"
              + " (default: ${DEFAULT-VALUE}, so Tally shows what it runs in).")
  String childHeap = "1g,tally=512m";

  @Option(
      names = "--opensearch-exact-distinct",
      description =
          "OpenSearch counts distinct people exactly with paged composite aggregations (seconds per"
              + " question) instead of one cardinality estimate per question, compared within 2%%.")
  boolean openSearchExactDistinct;

  @Option(
      names = "--out",
      description = "Results as JSON (default: ${DEFAULT-VALUE}); engines' logs beside it.")
  Path out = Path.of("bench/target/peers/results.json");

  @Option(
      names = "--chart",
      description = "SVG chart of latency against volume (default: ${DEFAULT-VALUE}).")
  Path chart = Path.of("bench/target/peers/latency.svg");

  @Option(
      names = "--in-process",
      description = "Run every engine in this JVM (no per-engine memory figures).")
  boolean inProcess;

  @Override
  public Integer call() throws Exception {
    LocalDate lastDay = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    try {
      var results =
          new PeersBench(
                  new PeersBench.Config(
                      volumes,
                      engines,
                      lastDay,
                      warmup,
                      iterations,
                      secondsPerQuestion,
                      inProcess,
                      childHeap,
                      openSearchExactDistinct,
                      out),
                  System.out)
              .run();
      PeersChart.write(results, chart);
      System.out.println();
      System.out.println("Results: " + out.toAbsolutePath() + "; chart: " + chart.toAbsolutePath());
      return 0;
    } catch (PeersBench.AnswersDiffer e) {
      return 1;
    }
  }
}
