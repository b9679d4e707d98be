package dev.tally.aggregator.write;

import dev.tally.core.item.Item;
import dev.tally.core.item.MetricKeys;
import java.util.Set;

/** The stored state of a person-day item that the aggregator reads before it writes. */
record PersonDay(
    Long version,
    int steps,
    Set<Long> seen,
    Long firstSeen,
    Long lastSeen,
    int markPages,
    String sessions) {
  static final PersonDay ABSENT = new PersonDay(null, 0, Set.of(), null, null, 0, null);

  static PersonDay from(Item item) {
    if (item == null) {
      return ABSENT;
    }
    Long steps = item.numOrNull(MetricKeys.STEPS);
    return new PersonDay(
        item.numOrNull(MetricKeys.VERSION),
        steps == null ? 0 : steps.intValue(),
        item.marks(MetricKeys.SEEN),
        item.numOrNull(MetricKeys.FIRST_SEEN),
        item.numOrNull(MetricKeys.LAST_SEEN),
        (int) item.num(MetricKeys.MARK_PAGES),
        item.str(MetricKeys.SESSIONS));
  }
}
