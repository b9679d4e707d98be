package dev.tally.core.agg;

import java.util.Collection;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

/**
 * Mergeable distinct-count sketches (HyperLogLog, lgK 16: about 0.4% standard error, so a range's
 * distinct count is within 2% by five standard errors; up to about 32 KB serialized once a day
 * holds more than some 6,000 devices, less before). Adding the same id twice is a no-op, so sketch
 * writes are idempotent. Sketches written at lgK 14 before still union with these, at lgK 14's
 * accuracy.
 */
public final class DistinctSketch {
  public static final int LG_K = 16;

  private DistinctSketch() {}

  /** Adds ids to a serialized sketch ({@code null} for a new one) and returns the new bytes. */
  public static byte[] add(byte[] current, Collection<String> ids) {
    HllSketch s =
        current == null
            ? new HllSketch(LG_K, TgtHllType.HLL_4)
            : HllSketch.heapify(Memory.wrap(current));
    for (String id : ids) {
      s.update(id);
    }
    return s.toCompactByteArray();
  }

  /** True when adding {@code ids} would not change the sketch. */
  public static boolean containsAll(byte[] current, Collection<String> ids) {
    return current != null && java.util.Arrays.equals(add(current, ids), current);
  }

  /** Estimated distinct count of the union of the given sketches (nulls are skipped). */
  public static long estimateUnion(Collection<byte[]> sketches) {
    Union u = new Union(LG_K);
    for (byte[] b : sketches) {
      if (b != null) {
        u.update(HllSketch.wrap(Memory.wrap(b)));
      }
    }
    return Math.round(u.getEstimate());
  }
}
