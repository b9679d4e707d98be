package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Runs one engine: asks every question {@code warmup} times unmeasured (or for a quarter of its
 * time budget, whichever ends first; the same rule for every engine; the first of these runs gives
 * the answer compared) and {@code iterations} times measured (fewer, but at least {@link
 * #MIN_RUNS}, when the question's time budget runs out).
 */
final class EngineRun {
  static final int MIN_RUNS = 5;

  private EngineRun() {}

  /** What one engine measured and answered, as JSON (one object per engine). */
  static ObjectNode measure(
      PeerEngine engine,
      PeerWorkload workload,
      long loadNanos,
      List<Question> questions,
      int warmup,
      int iterations,
      long budgetNanos)
      throws Exception {
    ObjectNode out = Answers.object();
    out.put("engine", engine.name());
    out.put("events", workload.events());
    out.put("loadSeconds", loadNanos / 1e9);
    out.put("eventsPerSecond", loadNanos == 0 ? 0 : workload.events() / (loadNanos / 1e9));
    out.put("storageBytes", engine.storageBytes());
    ArrayNode qs = out.putArray("questions");
    for (Question q : questions) {
      // The first answer (the one compared) is the first warm-up run.
      long started = System.nanoTime();
      JsonNode first = engine.answer(q);
      for (int i = 1; i < warmup && System.nanoTime() - started < budgetNanos / 4; i++) {
        engine.answer(q);
      }
      // At least MIN_RUNS; beyond that, stop when the question's time budget is spent (a slow
      // engine at 10M events cannot be asked 100 times within the bench's half hour).
      long[] nanos = new long[iterations];
      int runs = 0;
      started = System.nanoTime();
      while (runs < iterations && (runs < MIN_RUNS || System.nanoTime() - started < budgetNanos)) {
        long t0 = System.nanoTime();
        engine.answer(q);
        nanos[runs++] = System.nanoTime() - t0;
      }
      long[] done = Arrays.copyOf(nanos, runs);
      Arrays.sort(done);
      ObjectNode r = qs.addObject();
      r.put("question", q.label());
      r.put("runs", runs);
      r.put("p50Ms", done[(int) Math.ceil(0.50 * runs) - 1] / 1e6);
      r.put("p99Ms", done[(int) Math.ceil(0.99 * runs) - 1] / 1e6);
      r.set("answer", first);
    }
    return out;
  }

  /**
   * Every difference between the engines' answers: exact engines exactly; where either side
   * estimates distinct people (Tally's sketches, OpenSearch's {@code cardinality}), those figures
   * within 2%.
   */
  static List<String> compare(List<JsonNode> runs) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      for (int j = i + 1; j < runs.size(); j++) {
        JsonNode a = runs.get(i);
        JsonNode b = runs.get(j);
        boolean approx = estimatesDistincts(a) || estimatesDistincts(b);
        // Summed per-day cardinalities make OpenSearch's device-days estimates too.
        Set<String> estimated =
            !approx
                ? Set.of()
                : isCardinality(a) || isCardinality(b) ? Answers.CARDINALITY : Answers.DISTINCT;
        for (int k = 0; k < a.path("questions").size(); k++) {
          JsonNode qa = a.path("questions").get(k);
          JsonNode qb = b.path("questions").get(k);
          for (String d : Answers.differences(qa.path("answer"), qb.path("answer"), estimated)) {
            out.add(
                a.path("engine").asText()
                    + " vs "
                    + b.path("engine").asText()
                    + ", "
                    + qa.path("question").asText()
                    + d);
          }
        }
      }
    }
    return out;
  }

  static boolean isTally(JsonNode run) {
    return run.path("engine").asText().startsWith("Tally");
  }

  /** OpenSearch run with {@code cardinality} distinct counts (its run JSON says so). */
  static boolean isCardinality(JsonNode run) {
    return "cardinality".equals(run.path("distinct").asText());
  }

  /**
   * Whether a run's distinct people are estimates: Tally's sketches or OpenSearch's cardinality.
   */
  static boolean estimatesDistincts(JsonNode run) {
    return isTally(run) || isCardinality(run);
  }
}
