package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The peers comparison: for each volume, each engine runs in its own JVM ({@link PeerProcess}) on
 * the same seeded workload, then every answer is compared with every other.
 */
public final class PeersBench {
  /**
   * How a run is made. {@code childHeap}: the heap of each engine's JVM, and of OpenSearch's own
   * server JVM. {@code openSearchExactDistinct}: OpenSearch counts distinct people exactly (paged
   * composite aggregations) instead of estimating them with {@code cardinality}.
   */
  public record Config(
      List<Integer> volumes,
      List<String> engines,
      LocalDate lastDay,
      int warmup,
      int iterations,
      double secondsPerQuestion,
      boolean inProcess,
      String childHeap,
      boolean openSearchExactDistinct,
      Path out) {}

  /** The engines a run may name. */
  public static final List<String> ENGINES = List.of("tally", "duckdb", "postgres", "opensearch");

  private final Config config;
  private final PrintStream log;

  public PeersBench(Config config, PrintStream log) {
    for (String engine : config.engines()) {
      // Before any engine runs: a typo must not cost the engines before it.
      if (!ENGINES.contains(engine)) {
        throw new IllegalArgumentException(
            "no engine '" + engine + "'; the engines are " + String.join(", ", ENGINES));
      }
    }
    this.config = config;
    this.log = log;
  }

  /** Runs every volume; the results (one object per volume) also go to {@code config.out()}. */
  public ArrayNode run() throws Exception {
    ArrayNode all = Json.mapper().createArrayNode();
    long started = System.nanoTime();
    if (config.out() != null) {
      // The engines' log goes beside the results, from the first engine on.
      Files.createDirectories(config.out().toAbsolutePath().getParent());
    }
    for (int volume : config.volumes()) {
      PeerWorkload workload = new PeerWorkload(volume, config.lastDay());
      String user = workload.busiestUser();
      log.printf(
          Locale.ROOT,
          "%n== %,d raw events over %d days (last day %s), user %s%n",
          volume,
          PeerWorkload.DAYS,
          config.lastDay(),
          user);
      List<JsonNode> runs = new ArrayList<>();
      for (String engine : config.engines()) {
        long t0 = System.nanoTime();
        ArrayNode r =
            config.inProcess()
                ? PeerProcess.run(
                    engine,
                    workload,
                    user,
                    config.warmup(),
                    config.iterations(),
                    config.secondsPerQuestion(),
                    heap(config.childHeap(), engine),
                    config.openSearchExactDistinct())
                : child(engine, workload, user);
        r.forEach(runs::add);
        log.printf(Locale.ROOT, "  %s done in %.0f s%n", engine, (System.nanoTime() - t0) / 1e9);
      }
      ObjectNode v = all.addObject();
      v.put("events", volume);
      v.put("user", user);
      ArrayNode engines = v.putArray("engines");
      runs.forEach(engines::add);
      List<String> mismatches = EngineRun.compare(runs);
      ArrayNode m = v.putArray("mismatches");
      mismatches.forEach(m::add);
      print(volume, runs);
      if (config.out() != null) {
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(config.out().toFile(), all);
      }
      if (!mismatches.isEmpty()) {
        log.println();
        log.println("MISMATCH: the engines' answers differ at " + volume + " events:");
        mismatches.stream().limit(50).forEach(d -> log.println("  " + d));
        throw new AnswersDiffer(mismatches);
      }
      log.println(agreement(runs));
    }
    long seconds = Math.round((System.nanoTime() - started) / 1e9);
    log.printf(
        Locale.ROOT,
        "%nWhole run (every volume and engine): %d min %02d s%n",
        seconds / 60,
        seconds % 60);
    return all;
  }

  /**
   * The heap of one engine from {@code --child-heap}: a plain size ({@code 1g}) is every engine's,
   * {@code engine=size} overrides it for one ({@code 1g,tally=512m}).
   */
  static String heap(String spec, String engine) {
    String all = "1g";
    String mine = null;
    for (String part : spec.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq < 0) {
        all = p;
      } else if (p.substring(0, eq).trim().equalsIgnoreCase(engine)) {
        mine = p.substring(eq + 1).trim();
      }
    }
    String size = mine != null ? mine : all;
    if (!size.matches("\\d+[kKmMgG]?")) {
      throw new IllegalArgumentException("--child-heap: '" + size + "' is not a heap size like 1g");
    }
    return size;
  }

  /** Thrown when any two engines disagree: the bench fails loudly. */
  public static final class AnswersDiffer extends RuntimeException {
    private final List<String> differences;

    AnswersDiffer(List<String> differences) {
      super(differences.size() + " differences between the engines' answers");
      this.differences = List.copyOf(differences);
    }

    public List<String> differences() {
      return differences;
    }
  }

  private ArrayNode child(String engine, PeerWorkload workload, String user) throws Exception {
    Path out = Files.createTempFile("tally-peers-" + engine + "-", ".json");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      String heap = heap(config.childHeap(), engine);
      cmd.add("-Xmx" + heap);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(PeerProcess.class.getName());
      cmd.add(engine);
      cmd.add(Integer.toString(workload.events()));
      cmd.add(workload.lastDay().toString());
      cmd.add(user);
      cmd.add(Integer.toString(config.warmup()));
      cmd.add(Integer.toString(config.iterations()));
      cmd.add(out.toString());
      cmd.add(Double.toString(config.secondsPerQuestion()));
      cmd.add(heap);
      cmd.add(config.openSearchExactDistinct() ? "exact" : "cardinality");
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile()))
              .start();
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IllegalStateException(
            engine + " failed (exit " + rc + "); its output is in " + logFile());
      }
      return (ArrayNode) Json.mapper().readTree(out.toFile());
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private File logFile() {
    Path dir = config.out() != null ? config.out().toAbsolutePath().getParent() : Path.of(".");
    return dir.resolve("peers-engines.log").toFile();
  }

  /** The line that says how the answers agreed: which engines' distinct people are estimates. */
  static String agreement(List<JsonNode> runs) {
    List<String> estimators = new ArrayList<>();
    if (runs.stream().anyMatch(EngineRun::isTally)) {
      estimators.add("Tally's sketches");
    }
    if (runs.stream().anyMatch(EngineRun::isCardinality)) {
      estimators.add("OpenSearch's cardinality");
    }
    double worst = worstDistinct(runs);
    return String.format(
        Locale.ROOT,
        "All answers agree (counts and money exactly; distinct people%s%s).",
        estimators.isEmpty()
            ? " exactly"
            : " from " + String.join(" and ", estimators) + " within 2%",
        worst < 0
            ? ""
            : String.format(
                Locale.ROOT, ", Tally's worst %.2f%% against an exact peer", 100 * worst));
  }

  /** Tally's largest distinct-count error against the exact peers; -1 when there is none. */
  private static double worstDistinct(List<JsonNode> runs) {
    double worst = -1;
    for (JsonNode t : runs) {
      if (!EngineRun.isTally(t)) {
        continue;
      }
      for (JsonNode peer : runs) {
        if (EngineRun.estimatesDistincts(peer)) {
          continue;
        }
        worst = Math.max(worst, 0);
        for (int k = 0; k < t.path("questions").size(); k++) {
          worst =
              Math.max(
                  worst,
                  Answers.worstDistinctError(
                      t.path("questions").get(k).path("answer"),
                      peer.path("questions").get(k).path("answer")));
        }
      }
    }
    return worst;
  }

  private void print(int volume, List<JsonNode> runs) {
    log.println();
    log.printf(Locale.ROOT, "### %,d raw events%n%n", volume);
    log.println("| engine | load (events/s) | load time | storage | peak RSS |");
    log.println("|---|---:|---:|---:|---:|");
    for (JsonNode r : runs) {
      log.printf(
          Locale.ROOT,
          "| %s | %s | %.1f s | %.1f MB | %.0f MB |%n",
          r.path("engine").asText(),
          r.path("eventsPerSecond").asDouble() == 0
              ? "(same load)"
              : String.format(Locale.ROOT, "%,.0f", r.path("eventsPerSecond").asDouble()),
          r.path("loadSeconds").asDouble(),
          r.path("storageBytes").asLong() / 1e6,
          r.path("peakRssBytes").asLong() / 1e6);
    }
    log.println();
    StringBuilder head = new StringBuilder("| question |");
    StringBuilder rule = new StringBuilder("|---|");
    for (JsonNode r : runs) {
      head.append(' ').append(r.path("engine").asText()).append(" p50 / p99 ms (runs) |");
      rule.append("---:|");
    }
    JsonNode tally = runs.stream().filter(EngineRun::isTally).findFirst().orElse(null);
    List<JsonNode> peers = runs.stream().filter(r -> !EngineRun.isTally(r)).toList();
    if (tally != null) {
      for (JsonNode p : peers) {
        head.append(" Tally/").append(p.path("engine").asText()).append(" p50 |");
        rule.append("---:|");
      }
    }
    log.println(head);
    log.println(rule);
    JsonNode first = runs.get(0);
    for (int k = 0; k < first.path("questions").size(); k++) {
      StringBuilder row =
          new StringBuilder("| ")
              .append(first.path("questions").get(k).path("question").asText())
              .append(" |");
      for (JsonNode r : runs) {
        JsonNode q = r.path("questions").get(k);
        row.append(
            String.format(
                Locale.ROOT,
                " %s / %s (%d) |",
                ms(q.path("p50Ms").asDouble()),
                ms(q.path("p99Ms").asDouble()),
                q.path("runs").asInt()));
      }
      if (tally != null) {
        double t = tally.path("questions").get(k).path("p50Ms").asDouble();
        for (JsonNode p : peers) {
          double v = p.path("questions").get(k).path("p50Ms").asDouble();
          row.append(String.format(Locale.ROOT, " %.3f |", t / v));
        }
      }
      log.println(row);
    }
  }

  static String ms(double v) {
    return v >= 100
        ? String.format(Locale.ROOT, "%.0f", v)
        : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
