package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One engine's whole run (load, storage, questions, peak memory), so that each engine's peak memory
 * is its own process's: {@code PeerProcess ENGINE EVENTS LAST_DAY USER WARMUP ITERATIONS OUT_JSON
 * SECONDS_PER_QUESTION [SERVER_HEAP [DISTINCT]]} ({@code SERVER_HEAP}: OpenSearch's own JVM heap,
 * default {@code 1g}; {@code DISTINCT}: OpenSearch's distinct counts, {@code cardinality} (the
 * default) or {@code exact}). Also called in-process by the IT.
 */
public final class PeerProcess {
  private PeerProcess() {}

  public static void main(String[] args) throws Exception {
    ArrayNode runs =
        run(
            args[0],
            new PeerWorkload(Integer.parseInt(args[1]), LocalDate.parse(args[2])),
            args[3],
            Integer.parseInt(args[4]),
            Integer.parseInt(args[5]),
            Double.parseDouble(args[7]),
            args.length > 8 ? args[8] : "1g",
            args.length > 9 && args[9].equals("exact"));
    Json.mapper().writeValue(Path.of(args[6]).toFile(), runs);
    System.exit(0);
  }

  /**
   * Runs one engine ("tally" gives two runs: in-process and over HTTP); {@code serverHeap} is the
   * heap of OpenSearch's own JVM, {@code exactDistinct} makes its distinct counts exact (paged
   * composite aggregations) rather than {@code cardinality} estimates.
   */
  public static ArrayNode run(
      String engine,
      PeerWorkload workload,
      String user,
      int warmup,
      int iterations,
      double budgetSeconds,
      String serverHeap,
      boolean exactDistinct)
      throws Exception {
    List<Question> questions = Question.all(workload.lastDay(), user);
    long budget = (long) (budgetSeconds * 1e9);
    Path dir = Files.createTempDirectory("tally-peers-" + engine + "-");
    ArrayNode out = Json.mapper().createArrayNode();
    try {
      switch (engine) {
        case "tally" -> {
          try (TallyPeer tally = new TallyPeer(dir)) {
            long load = tally.load(workload);
            ObjectNode r =
                EngineRun.measure(tally, workload, load, questions, warmup, iterations, budget);
            out.add(r);
            ObjectNode h =
                EngineRun.measure(
                    tally.http(), workload, load, questions, warmup, iterations, budget);
            out.add(h);
            long peak = ProcessMemory.selfPeakRss();
            r.put("peakRssBytes", peak);
            h.put("peakRssBytes", peak);
          }
        }
        case "duckdb" -> {
          try (DuckDbPeer duck = new DuckDbPeer(dir)) {
            long load = duck.load(workload);
            ObjectNode r =
                EngineRun.measure(duck, workload, load, questions, warmup, iterations, budget);
            r.put("peakRssBytes", ProcessMemory.selfPeakRss());
            out.add(r);
          }
        }
        case "postgres" -> {
          try (PostgresPeer pg = new PostgresPeer(dir)) {
            long load = pg.load(workload);
            ObjectNode r =
                EngineRun.measure(pg, workload, load, questions, warmup, iterations, budget);
            r.put("peakRssBytes", pg.externalPeakRssBytes());
            r.put("clientPeakRssBytes", ProcessMemory.selfPeakRss());
            out.add(r);
          }
        }
        case "opensearch" -> {
          try (OpenSearchPeer os =
              new OpenSearchPeer(dir, OpenSearchPeer.defaultHome(), serverHeap, exactDistinct)) {
            long load = os.load(workload);
            ObjectNode r =
                EngineRun.measure(os, workload, load, questions, warmup, iterations, budget);
            r.put("peakRssBytes", os.externalPeakRssBytes());
            r.put("serverHeap", serverHeap);
            r.put("distinct", os.distinctMode());
            r.put("clientPeakRssBytes", ProcessMemory.selfPeakRss());
            out.add(r);
          }
        }
        default -> throw new IllegalArgumentException("no engine " + engine);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory
      }
    }
    return out;
  }
}
