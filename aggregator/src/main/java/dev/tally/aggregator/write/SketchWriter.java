package dev.tally.aggregator.write;

import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.Keys.StepDay;
import dev.tally.core.agg.Weeks;
import dev.tally.core.error.RetryableException;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds device ids to the per store-day-step HLL sketches. A sketch ignores ids it already holds, so
 * this runs before the counters and is simply repeated on redelivery. Writes are skipped when the
 * sketch would not change; concurrent writers are serialized by a version condition.
 */
final class SketchWriter {
  private final ItemStore items;
  private final int maxAttempts;

  SketchWriter(ItemStore items, int maxAttempts) {
    this.items = items;
    this.maxAttempts = maxAttempts;
  }

  /** Adds ids to each step-day's sketch and to the step's weekly roll-up of those days. */
  void add(String store, Map<StepDay, Set<String>> reached, int[] requests) {
    Map<StepDay, Set<String>> weeks = new LinkedHashMap<>();
    for (var e : reached.entrySet()) {
      StepDay day = e.getKey();
      add(
          ItemKey.of(MetricKeys.sketchPk(store, day.step()), MetricKeys.daySk(day.day())),
          e.getValue(),
          requests);
      weeks
          .computeIfAbsent(new StepDay(Weeks.start(day.day()), day.step()), k -> new HashSet<>())
          .addAll(e.getValue());
    }
    for (var e : weeks.entrySet()) {
      StepDay week = e.getKey();
      add(
          ItemKey.of(MetricKeys.sketchWeekPk(store, week.step()), MetricKeys.weekSk(week.day())),
          e.getValue(),
          requests);
    }
  }

  /** Adds ids to each day's sketch of the named set and to its weekly roll-ups. */
  void add(String store, String name, Map<java.time.LocalDate, Set<String>> days, int[] requests) {
    Map<java.time.LocalDate, Set<String>> weeks = new LinkedHashMap<>();
    for (var e : days.entrySet()) {
      add(
          ItemKey.of(MetricKeys.sketchPk(store, name), MetricKeys.daySk(e.getKey())),
          e.getValue(),
          requests);
      weeks.computeIfAbsent(Weeks.start(e.getKey()), k -> new HashSet<>()).addAll(e.getValue());
    }
    for (var e : weeks.entrySet()) {
      add(
          ItemKey.of(MetricKeys.sketchWeekPk(store, name), MetricKeys.weekSk(e.getKey())),
          e.getValue(),
          requests);
    }
  }

  private void add(ItemKey key, Set<String> ids, int[] requests) {
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Item item = items.get(key).orElse(null);
      byte[] current = item == null ? null : item.bin(MetricKeys.HLL);
      byte[] next = DistinctSketch.add(current, ids);
      if (current != null && Arrays.equals(current, next)) {
        return;
      }
      requests[0]++;
      try {
        items.write(
            List.of(
                ItemWrite.update(key)
                    .set(MetricKeys.HLL, AttrValue.bin(next))
                    .add(MetricKeys.VERSION, 1)
                    .when(
                        Condition.versionIs(
                            MetricKeys.VERSION,
                            item == null ? null : item.numOrNull(MetricKeys.VERSION)))
                    .build()));
        return;
      } catch (ConditionFailedException e) {
        Pause.after(attempt);
      }
    }
    throw new RetryableException(
        "sketch_conflict", "sketch " + key + " kept changing", Duration.ofSeconds(1));
  }
}
