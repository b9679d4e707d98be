package dev.tally.core.regulation;

import dev.tally.core.agg.Aggregation;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Keys.StepDay;
import dev.tally.core.agg.ResolvedEvent;
import dev.tally.core.agg.Weeks;
import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds the HLL sketches (daily and weekly; the funnel steps' and the returning visitors') of
 * the weeks that held the people's events, from the cleaned raw events, so the sketches no longer
 * hold their device ids. A sketch cannot remove an id, so it is recomputed and replaced; a live
 * write in between (the version changed) makes the week be recomputed. Idempotent: the same events
 * give the same sketches.
 */
public final class SketchRebuildStep implements DeletionStep {
  public static final String NAME = "rebuild-sketches";
  private final ItemStore metrics;
  private final RawEventSource source;
  private final SuppressionList suppressions;
  private final int shards;

  public SketchRebuildStep(
      ItemStore metrics, RawEventSource source, SuppressionList suppressions, int shards) {
    this.metrics = metrics;
    this.source = source;
    this.suppressions = suppressions;
    this.shards = shards;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome run(RegulationState state, Store store) {
    Set<LocalDate> weeks = new TreeSet<>();
    state.days().forEach(d -> weeks.add(Weeks.start(d)));
    int written = 0;
    for (LocalDate monday : weeks) {
      written += rebuildWeek(store, monday, state);
    }
    return new Outcome(
        state, weeks.size() + " week(s) of sketches rebuilt, " + written + " item(s) written");
  }

  private int rebuildWeek(Store store, LocalDate monday, RegulationState state) {
    for (int attempt = 1; attempt <= 5; attempt++) {
      Map<ItemKey, Item> before = current(store, monday);
      Map<String, Map<LocalDate, Set<String>>> reached =
          sketches(store, monday, monday.plusDays(6), state);
      try {
        return write(store, monday, reached, before);
      } catch (ConditionFailedException e) {
        // A live write changed a sketch meanwhile: read and recompute.
      }
    }
    throw new RetryableException(
        "sketch_conflict", "sketches of week " + monday + " kept changing", Duration.ofSeconds(5));
  }

  /**
   * Device ids per sketch name (the funnel steps' and {@link MetricKeys#RETURNING}) and day, from
   * the raw events of those days without the people's. A device is returning on a day after the
   * first visit its item records.
   */
  Map<String, Map<LocalDate, Set<String>>> sketches(
      Store store, LocalDate from, LocalDate to, RegulationState state) {
    Map<String, Map<LocalDate, Set<String>>> out = new HashMap<>();
    Map<String, Set<LocalDate>> active = new HashMap<>();
    reached(store, from, to, state)
        .forEach(
            (k, ids) -> {
              out.computeIfAbsent(k.step().attribute(), x -> new HashMap<>()).put(k.day(), ids);
              if (k.step() == FunnelStep.VISITED) {
                ids.forEach(id -> active.computeIfAbsent(id, x -> new TreeSet<>()).add(k.day()));
              }
            });
    Map<ItemKey, String> firstKeys = new HashMap<>();
    active.keySet().forEach(id -> firstKeys.put(MetricKeys.firstVisit(store.id(), id), id));
    Map<LocalDate, Set<String>> returning = new HashMap<>();
    metrics
        .getAll(firstKeys.keySet())
        .forEach(
            (k, item) -> {
              Long first = item.numOrNull(MetricKeys.FIRST_DAY);
              String id = firstKeys.get(k);
              for (LocalDate d : active.get(id)) {
                if (first != null && d.toEpochDay() > first) {
                  returning.computeIfAbsent(d, x -> new HashSet<>()).add(id);
                }
              }
            });
    out.put(MetricKeys.RETURNING, returning);
    return out;
  }

  /** Device ids per step and day, from the raw events of those days, without the people's. */
  public Map<StepDay, Set<String>> reached(
      Store store, LocalDate from, LocalDate to, RegulationState state) {
    var named = Suppressed.naming(state.ids());
    Map<String, Event> events = new LinkedHashMap<>();
    source.read(
        store.id(),
        store.timezone(),
        from,
        to,
        entry -> {
          for (Event e : Suppressed.drop(suppressions, store.id(), entry.events())) {
            if (named.test(e)) {
              continue;
            }
            LocalDate d = DayBucketer.day(e.header().timestamp(), store.timezone());
            if (!d.isBefore(from) && !d.isAfter(to)) {
              events.putIfAbsent(e.messageId(), e);
            }
          }
        });
    List<ResolvedEvent> resolved = new ArrayList<>();
    events.values().forEach(e -> resolved.add(ResolvedEvent.unlinked(e)));
    return new Aggregation(store, shards).aggregate(resolved).reached();
  }

  /** The sketches a rebuild replaces: each funnel step's and the returning visitors'. */
  private static List<String> names() {
    List<String> out = new ArrayList<>();
    for (FunnelStep step : FunnelStep.values()) {
      out.add(step.attribute());
    }
    out.add(MetricKeys.RETURNING);
    return out;
  }

  private Map<ItemKey, Item> current(Store store, LocalDate monday) {
    List<ItemKey> keys = new ArrayList<>();
    for (String step : names()) {
      for (int i = 0; i < 7; i++) {
        keys.add(dayKey(store, step, monday.plusDays(i)));
      }
      keys.add(weekKey(store, step, monday));
    }
    return metrics.getAll(keys);
  }

  private int write(
      Store store,
      LocalDate monday,
      Map<String, Map<LocalDate, Set<String>>> reached,
      Map<ItemKey, Item> before) {
    Map<ItemKey, Set<String>> wanted = new HashMap<>();
    for (String step : names()) {
      Set<String> week = new HashSet<>();
      for (int i = 0; i < 7; i++) {
        LocalDate d = monday.plusDays(i);
        Set<String> ids = reached.getOrDefault(step, Map.of()).getOrDefault(d, Set.of());
        wanted.put(dayKey(store, step, d), ids);
        week.addAll(ids);
      }
      wanted.put(weekKey(store, step, monday), week);
    }
    List<ItemWrite> writes = new ArrayList<>();
    for (var e : wanted.entrySet()) {
      Item old = before.get(e.getKey());
      Long ver = old == null ? null : old.numOrNull(MetricKeys.VERSION);
      Condition guard =
          old == null ? Condition.ABSENT : Condition.versionIs(MetricKeys.VERSION, ver);
      if (e.getValue().isEmpty()) {
        if (old != null) {
          writes.add(ItemWrite.delete(e.getKey(), guard));
        }
        continue;
      }
      byte[] next = DistinctSketch.add(null, e.getValue());
      if (old != null && sameSet(old.bin(MetricKeys.HLL), next)) {
        continue;
      }
      writes.add(
          ItemWrite.update(e.getKey())
              .set(MetricKeys.HLL, AttrValue.bin(next))
              .add(MetricKeys.VERSION, 1)
              .when(guard)
              .build());
    }
    int per = Math.min(100, metrics.maxWritesPerCall());
    for (int i = 0; i < writes.size(); i += per) {
      metrics.write(writes.subList(i, Math.min(writes.size(), i + per)));
    }
    return writes.size();
  }

  /** True when two sketches hold the same ids (their bytes may differ with the order of adding). */
  static boolean sameSet(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (java.util.Arrays.equals(a, b)) {
      return true;
    }
    long ea = DistinctSketch.estimateUnion(List.of(a));
    return ea == DistinctSketch.estimateUnion(List.of(b))
        && ea == DistinctSketch.estimateUnion(List.of(a, b));
  }

  private static ItemKey dayKey(Store store, String step, LocalDate d) {
    return ItemKey.of(MetricKeys.sketchPk(store.id(), step), MetricKeys.daySk(d));
  }

  private static ItemKey weekKey(Store store, String step, LocalDate monday) {
    return ItemKey.of(MetricKeys.sketchWeekPk(store.id(), step), MetricKeys.weekSk(monday));
  }
}
