package dev.tally.aggregator.dynamodb;

import dev.tally.core.item.MetricKeys;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The stored state of a person-day item that the aggregator reads before it writes. */
record PersonDay(Long version, int steps, Set<Long> seen, Long firstSeen, Long lastSeen) {
  static final PersonDay ABSENT = new PersonDay(null, 0, Set.of(), null, null);

  static PersonDay from(Map<String, AttributeValue> item) {
    if (item == null) {
      return ABSENT;
    }
    Set<Long> seen = new HashSet<>();
    AttributeValue s = item.get(MetricKeys.SEEN);
    if (s != null && s.hasBs()) {
      for (SdkBytes b : s.bs()) {
        seen.add(ByteBuffer.wrap(b.asByteArrayUnsafe()).getLong());
      }
    }
    return new PersonDay(
        num(item, MetricKeys.VERSION),
        item.containsKey(MetricKeys.STEPS) ? num(item, MetricKeys.STEPS).intValue() : 0,
        seen,
        num(item, MetricKeys.FIRST_SEEN),
        num(item, MetricKeys.LAST_SEEN));
  }

  private static Long num(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? null : Long.parseLong(v.n());
  }
}
