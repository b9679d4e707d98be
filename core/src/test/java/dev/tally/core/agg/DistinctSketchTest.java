package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Range-distinct counts come from merging daily sketches. */
class DistinctSketchTest {

  @Test
  void unionOfThirtyDailySketches_estimatesTenThousandDevicesWithinTwoPercent() {
    for (long seed = 1; seed <= 5; seed++) {
      Random rnd = new Random(seed);
      List<Set<String>> days = new ArrayList<>();
      for (int d = 0; d < 30; d++) {
        days.add(new TreeSet<>());
      }
      // Every device visits on 1 to 6 random days, so days overlap as they do in a real store.
      for (int i = 0; i < 10_000; i++) {
        String device = "device-" + seed + "-" + i;
        for (int v = 0, n = 1 + rnd.nextInt(6); v < n; v++) {
          days.get(rnd.nextInt(30)).add(device);
        }
      }
      List<byte[]> sketches = new ArrayList<>();
      for (Set<String> ids : days) {
        // Written in two batches per day, as the aggregator would.
        List<String> list = new ArrayList<>(ids);
        byte[] s = DistinctSketch.add(null, list.subList(0, list.size() / 2));
        sketches.add(DistinctSketch.add(s, list.subList(list.size() / 2, list.size())));
      }
      long estimate = DistinctSketch.estimateUnion(sketches);
      assertThat(Math.abs(estimate - 10_000) / 10_000.0)
          .as("seed %d: %d", seed, estimate)
          .isLessThanOrEqualTo(0.02);
    }
  }

  @Test
  void addingIdsTwice_leavesTheSketchUnchanged() {
    byte[] s = DistinctSketch.add(null, List.of("a", "b", "c"));
    assertThat(DistinctSketch.containsAll(s, List.of("b", "a"))).isTrue();
    assertThat(DistinctSketch.add(s, List.of("c"))).isEqualTo(s);
    assertThat(DistinctSketch.estimateUnion(List.of(s, s))).isEqualTo(3);
  }
}
