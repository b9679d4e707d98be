package dev.tally.testkit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.item.Item;
import dev.tally.core.item.MetricKeys;
import java.util.List;
import java.util.Map;

/** Two tables' items compared item for item, as a rebuild must reproduce live counting. */
public final class SameItems {
  private SameItems() {}

  /**
   * Equal item for item (keyed {@code pk|sk}); sketches are compared as the sets they hold, since
   * their bytes depend on the order ids were added.
   */
  public static void assertSame(Map<String, Item> actual, Map<String, Item> expected) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String k : expected.keySet()) {
      Item a = expected.get(k);
      Item b = actual.get(k);
      if (a.has(MetricKeys.HLL)) {
        long alone = DistinctSketch.estimateUnion(List.of(a.bin(MetricKeys.HLL)));
        assertThat(DistinctSketch.estimateUnion(List.of(b.bin(MetricKeys.HLL))))
            .as(k)
            .isEqualTo(alone);
        assertThat(
                DistinctSketch.estimateUnion(List.of(a.bin(MetricKeys.HLL), b.bin(MetricKeys.HLL))))
            .as(k)
            .isEqualTo(alone);
        assertThat(b.attrs().keySet()).as(k).isEqualTo(a.attrs().keySet());
      } else {
        assertThat(b).as(k).isEqualTo(a);
      }
    }
  }
}
