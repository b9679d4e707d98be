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
import java.time.LocalDate;
import java.util.ArrayList;
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
  /** Sketches per grouped write: up to about 3 MB of dense lgK 16 sketches in one commit. */
  static final int MAX_GROUP = 100;

  private final ItemStore items;
  private final int maxAttempts;

  SketchWriter(ItemStore items, int maxAttempts) {
    this.items = items;
    this.maxAttempts = maxAttempts;
  }

  /** Adds ids to each step-day's sketch and to the step's weekly roll-up of those days. */
  void add(String store, Map<StepDay, Set<String>> reached, int[] requests) {
    Map<ItemKey, Set<String>> sketches = new LinkedHashMap<>();
    Map<StepDay, Set<String>> weeks = new LinkedHashMap<>();
    for (var e : reached.entrySet()) {
      StepDay day = e.getKey();
      sketches.put(
          ItemKey.of(MetricKeys.sketchPk(store, day.step()), MetricKeys.daySk(day.day())),
          e.getValue());
      weeks
          .computeIfAbsent(new StepDay(Weeks.start(day.day()), day.step()), k -> new HashSet<>())
          .addAll(e.getValue());
    }
    for (var e : weeks.entrySet()) {
      StepDay week = e.getKey();
      sketches.put(
          ItemKey.of(MetricKeys.sketchWeekPk(store, week.step()), MetricKeys.weekSk(week.day())),
          e.getValue());
    }
    write(sketches, requests);
  }

  /** Adds ids to each day's sketch of the named set and to its weekly roll-ups. */
  void add(String store, String name, Map<LocalDate, Set<String>> days, int[] requests) {
    Map<ItemKey, Set<String>> sketches = new LinkedHashMap<>();
    Map<LocalDate, Set<String>> weeks = new LinkedHashMap<>();
    for (var e : days.entrySet()) {
      sketches.put(
          ItemKey.of(MetricKeys.sketchPk(store, name), MetricKeys.daySk(e.getKey())), e.getValue());
      weeks.computeIfAbsent(Weeks.start(e.getKey()), k -> new HashSet<>()).addAll(e.getValue());
    }
    for (var e : weeks.entrySet()) {
      sketches.put(
          ItemKey.of(MetricKeys.sketchWeekPk(store, name), MetricKeys.weekSk(e.getKey())),
          e.getValue());
    }
    write(sketches, requests);
  }

  /**
   * Adds each key's ids to its sketch. Where one write call of many items is cheap (an embedded
   * store: one commit), the changed sketches of a group go in one call; a conflict in it sends its
   * keys down the one-by-one path, which re-reads and retries.
   */
  private void write(Map<ItemKey, Set<String>> sketches, int[] requests) {
    if (!items.embedded()) {
      sketches.forEach((key, ids) -> add(key, ids, requests));
      return;
    }
    List<ItemKey> keys = new ArrayList<>(sketches.keySet());
    int per = Math.min(MAX_GROUP, items.maxWritesPerCall());
    for (int from = 0; from < keys.size(); from += per) {
      List<ItemKey> group = keys.subList(from, Math.min(keys.size(), from + per));
      Map<ItemKey, Item> current = items.getAll(group);
      List<ItemWrite> writes = new ArrayList<>();
      for (ItemKey key : group) {
        ItemWrite w = next(key, current.get(key), sketches.get(key));
        if (w != null) {
          writes.add(w);
        }
      }
      if (writes.isEmpty()) {
        continue;
      }
      requests[0]++;
      try {
        items.write(writes);
      } catch (ConditionFailedException e) {
        for (ItemKey key : group) {
          add(key, sketches.get(key), requests);
        }
      }
    }
  }

  private void add(ItemKey key, Set<String> ids, int[] requests) {
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      ItemWrite write = next(key, items.get(key).orElse(null), ids);
      if (write == null) {
        return;
      }
      requests[0]++;
      try {
        items.write(List.of(write));
        return;
      } catch (ConditionFailedException e) {
        Pause.after(attempt);
      }
    }
    throw new RetryableException(
        "sketch_conflict", "sketch " + key + " kept changing", Duration.ofSeconds(1));
  }

  /** The write that adds {@code ids} to the sketch as read, or null when it would not change. */
  private static ItemWrite next(ItemKey key, Item item, Set<String> ids) {
    byte[] current = item == null ? null : item.bin(MetricKeys.HLL);
    byte[] next = DistinctSketch.add(current, ids);
    if (current != null && Arrays.equals(current, next)) {
      return null;
    }
    return ItemWrite.update(key)
        .set(MetricKeys.HLL, AttrValue.bin(next))
        .add(MetricKeys.VERSION, 1)
        .when(
            Condition.versionIs(
                MetricKeys.VERSION, item == null ? null : item.numOrNull(MetricKeys.VERSION)))
        .build();
  }
}
