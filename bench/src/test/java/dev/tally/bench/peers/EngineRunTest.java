package dev.tally.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineRunTest {
  /** A run of one funnel question: the visited step's device-days and devices. */
  static ObjectNode run(String engine, String distinct, long userDays, long users) {
    ObjectNode r = Answers.object().put("engine", engine);
    if (distinct != null) {
      r.put("distinct", distinct);
    }
    ObjectNode answer =
        r.putArray("questions").addObject().put("question", "funnel").putObject("answer");
    answer
        .putArray("steps")
        .addObject()
        .put("step", "visited")
        .put("userDays", userDays)
        .put("users", users);
    return r;
  }

  @Test
  void openSearchsCardinality_isComparedWithin2Percent_includingDeviceDays() {
    var duck = run("DuckDB", null, 10_000, 1_000);
    var os = run("OpenSearch", "cardinality", 10_100, 1_010);
    assertThat(EngineRun.compare(List.of(duck, os))).isEmpty();
    assertThat(EngineRun.compare(List.of(duck, run("OpenSearch", "cardinality", 10_300, 1_000))))
        .hasSize(1);
  }

  @Test
  void openSearchsExactCounts_andTallysDeviceDays_areComparedExactly() {
    var duck = run("DuckDB", null, 10_000, 1_000);
    assertThat(EngineRun.compare(List.of(duck, run("OpenSearch", "exact", 10_000, 1_001))))
        .containsExactly("DuckDB vs OpenSearch, funnel/steps/0/users: 1000 vs 1001");
    // Tally's users are sketches, its device-days exact counters.
    assertThat(EngineRun.compare(List.of(duck, run("Tally (in-process)", null, 10_001, 1_010))))
        .containsExactly("DuckDB vs Tally (in-process), funnel/steps/0/userDays: 10000 vs 10001");
  }

  @Test
  void theAgreementLine_namesTheEstimators() {
    var duck = run("DuckDB", null, 10_000, 1_000);
    assertThat(
            PeersBench.agreement(
                List.of(
                    run("Tally (in-process)", null, 10_000, 1_010),
                    duck,
                    run("OpenSearch", "cardinality", 10_000, 1_000))))
        .isEqualTo(
            "All answers agree (counts and money exactly; distinct people from Tally's sketches"
                + " and OpenSearch's cardinality within 2%, Tally's worst 1.00% against an exact"
                + " peer).");
  }
}
