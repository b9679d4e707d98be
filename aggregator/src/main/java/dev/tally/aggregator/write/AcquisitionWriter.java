package dev.tally.aggregator.write;

import dev.tally.core.agg.ResolvedEvent;
import dev.tally.core.agg.Sessions;
import dev.tally.core.agg.Sessions.Cell;
import dev.tally.core.agg.Touch;
import dev.tally.core.agg.Touch.Dimension;
import dev.tally.core.event.Event;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions, their attribution and first visits, as updates in the same atomic write as the chunk's
 * counters and marks, so they are counted exactly once too. Each device-day keeps its sessions
 * ({@link Sessions}); the store's acquisition counters change by the difference between the
 * sessions before and after the chunk. Each device keeps the day of its first visit; a new visitor
 * is counted on that day, and moved when an earlier event of the device arrives later.
 */
final class AcquisitionWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AcquisitionWriter.class);
  private static final String PREFIX_SESSIONS = "sessions:";

  private AcquisitionWriter() {}

  /** One fresh event with its device-day item, its day and its exactly-once mark. */
  record Fresh(Event event, ItemKey deviceDay, LocalDate day, long mark) {}

  /** The items the writer must read before it can apply {@code days}' and devices' updates. */
  static void reads(String store, Set<LocalDate> days, Set<String> devices, Set<ItemKey> out) {
    for (String device : devices) {
      out.add(MetricKeys.firstVisit(store, device));
    }
    for (LocalDate day : days) {
      for (Dimension d : Dimension.values()) {
        out.add(ItemKey.of(MetricKeys.acquisitionDayPk(store, day), MetricKeys.dimensionSk(d)));
      }
    }
  }

  /** Every acquisition item a count on {@code day} may touch. */
  static void touched(String store, LocalDate day, Set<ItemKey> out) {
    String pk = MetricKeys.acquisitionDayPk(store, day);
    for (Dimension d : Dimension.values()) {
      out.add(ItemKey.of(pk, MetricKeys.dimensionSk(d)));
    }
    out.add(ItemKey.of(pk, MetricKeys.TOTAL_SK));
  }

  /**
   * Adds the updates of {@code fresh} (grouped by device, each device's events in time order) to
   * {@code out}; {@code read} holds what {@link #reads} asked for and the device-day items.
   */
  static void add(
      Store store,
      List<Fresh> fresh,
      Map<ItemKey, Item> read,
      Map<ItemKey, PersonDay> state,
      Map<ItemKey, ItemWrite.Update.Builder> out) {
    Map<LocalDate, Map<Cell, long[]>> cells = new LinkedHashMap<>();
    Map<LocalDate, long[]> totals = new LinkedHashMap<>();
    Map<LocalDate, Labels> labels = new HashMap<>();
    Map<ItemKey, Sessions> sessions = new LinkedHashMap<>();
    Map<ItemKey, Sessions> before = new HashMap<>();
    Map<String, LocalDate> earliest = new LinkedHashMap<>();
    for (Fresh f : fresh) {
      Sessions now =
          sessions.computeIfAbsent(
              f.deviceDay(),
              k -> {
                Sessions s = stored(k, state.getOrDefault(k, PersonDay.ABSENT));
                before.put(k, s);
                return s;
              });
      Labels l = labels.computeIfAbsent(f.day(), d -> Labels.of(read, store.id(), d));
      sessions.put(f.deviceDay(), now.with(Sessions.hit(f.event(), store, f.mark()), l));
      earliest.merge(f.event().header().deviceId(), f.day(), (a, b) -> a.isBefore(b) ? a : b);
    }
    sessions.forEach(
        (k, after) -> {
          Sessions was = before.get(k);
          if (after.equals(was)) {
            return;
          }
          LocalDate day = MetricKeys.dayOf(k.sk());
          ItemMetricWriter.person(out, state, k)
              .set(MetricKeys.SESSIONS, AttrValue.str(after.encode()));
          Map<Cell, long[]> c = cells.computeIfAbsent(day, d -> new LinkedHashMap<>());
          Sessions.diff(was, after)
              .forEach(
                  (cell, v) -> {
                    long[] sum = c.computeIfAbsent(cell, x -> new long[3]);
                    for (int i = 0; i < 3; i++) {
                      sum[i] += v[i];
                    }
                  });
          totals.computeIfAbsent(day, d -> new long[2])[0] +=
              after.list().size() - was.list().size();
        });
    earliest.forEach(
        (device, day) -> {
          ItemKey k = MetricKeys.firstVisit(store.id(), device);
          Item item = read.get(k);
          Long stored = item == null ? null : item.numOrNull(MetricKeys.FIRST_DAY);
          if (stored != null && stored <= day.toEpochDay()) {
            return;
          }
          ItemMetricWriter.person(out, state, k)
              .set(MetricKeys.FIRST_DAY, AttrValue.num(day.toEpochDay()));
          totals.computeIfAbsent(day, d -> new long[2])[1] += 1;
          if (stored != null) {
            totals.computeIfAbsent(LocalDate.ofEpochDay(stored), d -> new long[2])[1] -= 1;
          }
        });
    cells.forEach(
        (day, byCell) -> {
          String pk = MetricKeys.acquisitionDayPk(store.id(), day);
          byCell.forEach(
              (cell, v) -> {
                ItemWrite.Update.Builder u =
                    ItemMetricWriter.plain(
                        out, ItemKey.of(pk, MetricKeys.dimensionSk(cell.dimension())));
                addNonZero(u, PREFIX_SESSIONS + cell.label(), v[0]);
                addNonZero(u, "orders:" + cell.label(), v[1]);
                addNonZero(u, "revenue:" + cell.label(), v[2]);
              });
        });
    totals.forEach(
        (day, v) -> {
          ItemWrite.Update.Builder u =
              ItemMetricWriter.plain(
                  out,
                  ItemKey.of(MetricKeys.acquisitionDayPk(store.id(), day), MetricKeys.TOTAL_SK));
          addNonZero(u, MetricKeys.SESSIONS_TOTAL, v[0]);
          addNonZero(u, MetricKeys.NEW_VISITORS, v[1]);
        });
  }

  /**
   * The devices of a batch that were returning visitors on each day: active that day, after the day
   * of their first visit (the stored one, or an earlier day of the batch). The first visit only
   * ever moves earlier, so this holds for good once true, whether or not the events were already
   * counted; the sketches can be told it before the counters, once per batch.
   */
  static Map<LocalDate, Set<String>> returning(
      ItemStore items, Store store, java.util.Collection<ResolvedEvent> events) {
    Map<String, Set<LocalDate>> active = new LinkedHashMap<>();
    for (ResolvedEvent r : events) {
      active
          .computeIfAbsent(r.event().header().deviceId(), d -> new java.util.TreeSet<>())
          .add(DayBucketer.day(r.event().header().timestamp(), store.timezone()));
    }
    Map<ItemKey, String> keys = new HashMap<>();
    active.keySet().forEach(d -> keys.put(MetricKeys.firstVisit(store.id(), d), d));
    Map<ItemKey, Item> stored = items.getAll(keys.keySet());
    Map<LocalDate, Set<String>> out = new LinkedHashMap<>();
    keys.forEach(
        (k, device) -> {
          java.util.TreeSet<LocalDate> days = (java.util.TreeSet<LocalDate>) active.get(device);
          Item item = stored.get(k);
          Long firstStored = item == null ? null : item.numOrNull(MetricKeys.FIRST_DAY);
          long first = days.first().toEpochDay();
          if (firstStored != null && firstStored < first) {
            first = firstStored;
          } else if (firstStored != null && firstStored > first) {
            // The stored first day is no longer the first: the device is returning on it.
            out.computeIfAbsent(LocalDate.ofEpochDay(firstStored), x -> new HashSet<>())
                .add(device);
          }
          for (LocalDate d : days) {
            if (d.toEpochDay() > first) {
              out.computeIfAbsent(d, x -> new HashSet<>()).add(device);
            }
          }
        });
    return out;
  }

  private static void addNonZero(ItemWrite.Update.Builder u, String attr, long v) {
    if (v != 0) {
      u.add(attr, v);
    }
  }

  private static Sessions stored(ItemKey k, PersonDay p) {
    try {
      return Sessions.decode(p.sessions());
    } catch (IllegalArgumentException e) {
      // Only a hand-edited item gets here; starting over beats failing the batch for good.
      LOG.warn("sessions of {} unreadable, counted afresh: {}", k, e.getMessage());
      return Sessions.empty();
    }
  }

  /** Which labels a day already counts under, and the cap on new ones. */
  private static final class Labels implements Sessions.Labeller {
    private final Map<Dimension, Set<String>> known = new HashMap<>();

    static Labels of(Map<ItemKey, Item> read, String store, LocalDate day) {
      Labels l = new Labels();
      for (Dimension d : Dimension.values()) {
        Set<String> s = new HashSet<>();
        Item item =
            read.get(
                ItemKey.of(MetricKeys.acquisitionDayPk(store, day), MetricKeys.dimensionSk(d)));
        if (item != null) {
          for (String attr : item.attrs().keySet()) {
            if (attr.startsWith(PREFIX_SESSIONS)) {
              s.add(attr.substring(PREFIX_SESSIONS.length()));
            }
          }
        }
        l.known.put(d, s);
      }
      return l;
    }

    @Override
    public String label(Dimension d, String value) {
      Set<String> s = known.get(d);
      if (s.contains(value)) {
        return value;
      }
      if (s.size() < Touch.MAX_LABELS_PER_DAY) {
        s.add(value);
        return value;
      }
      return Touch.OTHER;
    }
  }
}
