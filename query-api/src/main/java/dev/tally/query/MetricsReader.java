package dev.tally.query;

import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Periods;
import dev.tally.core.agg.Sums;
import dev.tally.core.agg.Touch;
import dev.tally.core.agg.Weeks;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.regulation.KeptLedger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads the metrics items. Every method is a fixed number of partition queries on known keys (one
 * per shard, step or day), never a scan, so its cost does not grow with raw events.
 */
public final class MetricsReader {
  /** Bounded fan-out for per-day reads; daemon threads so it never holds a JVM open. */
  static final ExecutorService PARALLEL =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "tally-query-read");
            t.setDaemon(true);
            return t;
          });

  private final ItemStore items;

  /** Where independent reads run: side by side for a network store, else on the caller's thread. */
  private final Executor readers;

  public MetricsReader(ItemStore items) {
    this.items = items;
    this.readers = readersOf(items);
  }

  static Executor readersOf(ItemStore items) {
    return items.embedded() ? Runnable::run : PARALLEL;
  }

  /** The customer items' reader over the same table. */
  CustomersReader customers() {
    return new CustomersReader(items);
  }

  /** Numeric attributes per day of one person-day partition. */
  public Map<LocalDate, Map<String, Long>> userDays(String store, String uid, DateRange range) {
    return days(MetricKeys.userPk(store, uid), range);
  }

  /** Store-day totals over all write shards. */
  public Map<LocalDate, Map<String, Long>> storeDays(String store, int shards, DateRange range) {
    List<CompletableFuture<Map<LocalDate, Map<String, Long>>>> parts = new ArrayList<>();
    for (int k = 0; k < shards; k++) {
      String pk = MetricKeys.storeShardPk(store, k);
      parts.add(CompletableFuture.supplyAsync(() -> days(pk, range), readers));
    }
    Map<LocalDate, Map<String, Long>> out = new TreeMap<>();
    for (var part : parts) {
      join(part)
          .forEach(
              (day, attrs) -> {
                Map<String, Long> sum = out.computeIfAbsent(day, d -> new HashMap<>());
                attrs.forEach((a, v) -> sum.merge(a, v, Sums::add));
              });
    }
    return out;
  }

  /**
   * Estimated distinct people who reached each step over the range: the union of the step's daily
   * sketches, one Query per step, the steps read and merged side by side.
   */
  public Map<FunnelStep, Long> distinctUsers(
      String store, List<FunnelStep> steps, DateRange range) {
    Map<FunnelStep, CompletableFuture<Long>> futures = new java.util.EnumMap<>(FunnelStep.class);
    for (FunnelStep step : steps) {
      futures.put(
          step,
          // Always side by side: merging a step's sketches is milliseconds of work, not a wait.
          CompletableFuture.supplyAsync(
              () -> DistinctSketch.estimateUnion(coveringSketches(store, step, range)), PARALLEL));
    }
    Map<FunnelStep, Long> out = new java.util.EnumMap<>(FunnelStep.class);
    futures.forEach((step, f) -> out.put(step, join(f)));
    return out;
  }

  /**
   * Product counters summed over the range: one Query per part of the range's cover by whole
   * months, whole weeks and edge days ({@link Periods}), each a few bucket items, so a 90-day range
   * reads about a dozen partitions instead of 90.
   */
  public Map<String, Map<String, Long>> products(String store, DateRange range) {
    return sum(productParts(store, range));
  }

  /** The product bucket items of each part of the range's cover, read side by side. */
  private List<List<Item>> productParts(String store, DateRange range) {
    List<CompletableFuture<List<Item>>> reads = new ArrayList<>();
    for (Periods.Part part : Periods.cover(range.from(), range.to())) {
      String pk = productsPk(store, part);
      reads.add(CompletableFuture.supplyAsync(() -> items.query(ItemQuery.partition(pk)), readers));
    }
    List<List<Item>> out = new ArrayList<>(reads.size());
    for (var read : reads) {
      out.add(join(read));
    }
    return out;
  }

  private static Map<String, Map<String, Long>> sum(List<List<Item>> parts) {
    // Sum by attribute first (one hash lookup per stored counter), then split each distinct
    // "counter:product" name once: a 90-day range holds about 7 times the same names.
    Map<String, long[]> sums = new HashMap<>(4096);
    for (List<Item> part : parts) {
      for (Item item : part) {
        for (var e : item.attrs().entrySet()) {
          if (e.getValue() instanceof AttrValue.Num n) {
            long[] sum = sums.get(e.getKey());
            if (sum == null) {
              sums.put(e.getKey(), new long[] {n.value()});
            } else {
              sum[0] = Sums.add(sum[0], n.value());
            }
          }
        }
      }
    }
    Map<String, Map<String, Long>> out = new HashMap<>();
    sums.forEach(
        (attribute, sum) -> {
          String[] counterAndProduct = MetricKeys.parseProductAttribute(attribute);
          if (counterAndProduct != null) {
            out.computeIfAbsent(counterAndProduct[1], k -> new HashMap<>())
                .put(counterAndProduct[0], sum[0]);
          }
        });
    return out;
  }

  /**
   * The {@code limit} products with the largest {@code counter} over the range (ties by product
   * id), each with all its counters: the same answer as ranking {@link #products}, for less work.
   * Only the ranking counter is summed over every stored counter; the others are looked up for the
   * winners alone, in their one bucket item per part. When fewer than {@code limit} products have a
   * positive sum, zero and negative ones can rank too, so it ranks the full {@link #products}.
   */
  public List<Map.Entry<String, Map<String, Long>>> topProducts(
      String store, DateRange range, String counter, int limit) {
    String prefix = counter + ":";
    // Each part is summed by the thread that read it, while its decoded items are in that core's
    // cache; walking all of them again here cost more than the reads.
    List<CompletableFuture<RankedPart>> reads = new ArrayList<>();
    for (Periods.Part part : Periods.cover(range.from(), range.to())) {
      String pk = productsPk(store, part);
      reads.add(
          CompletableFuture.supplyAsync(
              () -> RankedPart.of(items.query(ItemQuery.partition(pk)), prefix), readers));
    }
    List<List<Item>> parts = new ArrayList<>(reads.size());
    Map<String, long[]> sums = new HashMap<>(512);
    for (var read : reads) {
      RankedPart part = join(read);
      parts.add(part.items());
      part.sums()
          .forEach(
              (product, sum) -> {
                long[] total = sums.putIfAbsent(product, sum);
                if (total != null) {
                  total[0] = Sums.add(total[0], sum[0]);
                }
              });
    }
    List<Map.Entry<String, Long>> positive = new ArrayList<>();
    sums.forEach(
        (product, sum) -> {
          if (sum[0] > 0) {
            positive.add(Map.entry(product, sum[0]));
          }
        });
    if (positive.size() < limit) {
      return rank(sum(parts), counter, limit);
    }
    positive.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<Map.Entry<String, Map<String, Long>>> out = new ArrayList<>(limit);
    for (var top : positive.subList(0, limit)) {
      String bucket = MetricKeys.productBucketSk(top.getKey());
      Map<String, Long> counters = new HashMap<>();
      for (List<Item> part : parts) {
        for (Item item : part) {
          if (!item.key().sk().equals(bucket)) {
            continue;
          }
          for (dev.tally.core.agg.ProductCounter c : dev.tally.core.agg.ProductCounter.values()) {
            if (item.attrs().get(MetricKeys.productAttribute(c.attribute(), top.getKey()))
                instanceof AttrValue.Num n) {
              counters.merge(c.attribute(), n.value(), Sums::add);
            }
          }
        }
      }
      out.add(Map.entry(top.getKey(), counters));
    }
    return out;
  }

  /** One part's bucket items and the sum of one counter per product in them. */
  private record RankedPart(List<Item> items, Map<String, long[]> sums) {
    static RankedPart of(List<Item> items, String prefix) {
      Map<String, long[]> sums = new HashMap<>(512);
      for (Item item : items) {
        for (var e : item.attrs().entrySet()) {
          if (e.getKey().startsWith(prefix) && e.getValue() instanceof AttrValue.Num n) {
            // A product's counters sit in one bucket per part, so each name comes once.
            sums.merge(
                e.getKey().substring(prefix.length()),
                new long[] {n.value()},
                (a, b) -> new long[] {Sums.add(a[0], b[0])});
          }
        }
      }
      return new RankedPart(items, sums);
    }
  }

  /** Products ranked by one counter, largest first, ties by product id; the first {@code limit}. */
  static List<Map.Entry<String, Map<String, Long>>> rank(
      Map<String, Map<String, Long>> products, String counter, int limit) {
    List<Map.Entry<String, Map<String, Long>>> ranked = new ArrayList<>(products.entrySet());
    ranked.sort(
        java.util.Comparator.comparing(
                (Map.Entry<String, Map<String, Long>> e) -> e.getValue().getOrDefault(counter, 0L))
            .reversed()
            .thenComparing(Map.Entry::getKey));
    return ranked.subList(0, Math.min(limit, ranked.size()));
  }

  /**
   * One acquisition dimension summed over the range, label to {sessions, orders, revenue}: one item
   * per day, read in one batch (a day's item holds at most 50 labels, so it stays small to write).
   */
  public Map<String, long[]> acquisition(String store, Touch.Dimension d, DateRange range) {
    List<ItemKey> keys = new ArrayList<>();
    for (LocalDate day : range.each()) {
      keys.add(ItemKey.of(MetricKeys.acquisitionDayPk(store, day), MetricKeys.dimensionSk(d)));
    }
    Map<String, long[]> out = new HashMap<>();
    for (Item item : items.getAll(keys).values()) {
      item.numbers()
          .forEach(
              (attribute, v) -> {
                String[] metricAndLabel = MetricKeys.parseProductAttribute(attribute);
                int i =
                    metricAndLabel == null
                        ? -1
                        : List.of("sessions", "orders", "revenue").indexOf(metricAndLabel[0]);
                if (i >= 0) {
                  long[] sums = out.computeIfAbsent(metricAndLabel[1], k -> new long[3]);
                  sums[i] = Sums.add(sums[i], v);
                }
              });
    }
    return out;
  }

  /** Sessions and new visitors per day of the range, from the days' totals items. */
  public Map<LocalDate, Map<String, Long>> acquisitionDays(String store, DateRange range) {
    Map<ItemKey, LocalDate> keys = new HashMap<>();
    for (LocalDate day : range.each()) {
      keys.put(ItemKey.of(MetricKeys.acquisitionDayPk(store, day), MetricKeys.TOTAL_SK), day);
    }
    Map<LocalDate, Map<String, Long>> out = new TreeMap<>();
    items.getAll(keys.keySet()).forEach((k, item) -> out.put(keys.get(k), item.numbers()));
    return out;
  }

  private static String productsPk(String store, Periods.Part part) {
    return switch (part.kind()) {
      case MONTH -> MetricKeys.productsMonthPk(store, part.start());
      case WEEK -> MetricKeys.productsWeekPk(store, part.start());
      case DAY -> MetricKeys.productsPk(store, part.start());
    };
  }

  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Sketches whose union is the step's distinct users over the range: weekly roll-ups for the whole
   * weeks inside it and daily sketches for the days at its edges (at most three Queries).
   */
  List<byte[]> coveringSketches(String store, FunnelStep step, DateRange range) {
    return coveringSketches(store, step.attribute(), range);
  }

  /** Estimated returning visitors over the range: devices active after their first visit's day. */
  public long returningVisitors(String store, DateRange range) {
    return DistinctSketch.estimateUnion(coveringSketches(store, MetricKeys.RETURNING, range));
  }

  private List<byte[]> coveringSketches(String store, String step, DateRange range) {
    Weeks.Cover cover = Weeks.cover(range.from(), range.to());
    List<byte[]> out = new ArrayList<>();
    if (cover.hasWeeks()) {
      for (Item item :
          items.query(
              ItemQuery.between(
                  MetricKeys.sketchWeekPk(store, step),
                  MetricKeys.weekSk(cover.firstWeek()),
                  MetricKeys.weekSk(cover.lastWeek())))) {
        byte[] h = item.bin(MetricKeys.HLL);
        if (h != null) {
          out.add(h);
        }
      }
    }
    for (LocalDate[] edge : cover.edges()) {
      out.addAll(sketches(store, step, new DateRange(edge[0], edge[1])));
    }
    return out;
  }

  /** Serialized HLL sketches of one funnel step, per day. */
  public List<byte[]> sketches(String store, FunnelStep step, DateRange range) {
    return sketches(store, step.attribute(), range);
  }

  private List<byte[]> sketches(String store, String name, DateRange range) {
    return new ArrayList<>(sketchesByDay(store, name, range).values());
  }

  /** Serialized HLL sketches of one funnel step by day (days without one are absent). */
  public Map<LocalDate, byte[]> sketchesByDay(String store, FunnelStep step, DateRange range) {
    return sketchesByDay(store, step.attribute(), range);
  }

  /** Serialized HLL sketches of a named set of devices by day. */
  public Map<LocalDate, byte[]> sketchesByDay(String store, String step, DateRange range) {
    Map<LocalDate, byte[]> out = new TreeMap<>();
    for (Item item : between(MetricKeys.sketchPk(store, step), range)) {
      byte[] h = item.bin(MetricKeys.HLL);
      if (h != null) {
        out.put(MetricKeys.dayOf(item.key().sk()), h);
      }
    }
    return out;
  }

  /** Catalog items (name, image URL) of these products; products without one are absent. */
  public Map<String, Item> catalog(String store, List<String> productIds) {
    Map<dev.tally.core.item.ItemKey, String> keys = new java.util.LinkedHashMap<>();
    for (String id : productIds) {
      keys.put(
          dev.tally.core.item.ItemKey.of(MetricKeys.catalogPk(store), MetricKeys.catalogSk(id)),
          id);
    }
    Map<String, Item> out = new HashMap<>();
    items.getAll(keys.keySet()).forEach((k, item) -> out.put(keys.get(k), item));
    return out;
  }

  /** What the kept aggregates of the range hold of deleted people (see {@link KeptLedger}). */
  public KeptLedger.Range kept(String store, DateRange range) {
    return KeptLedger.read(items, store, range.from(), range.to());
  }

  /** Anonymous ids linked to a user id (at most {@code limit}). */
  public List<String> linkedAnonymousIds(String store, String userId, int limit) {
    List<String> out = new ArrayList<>();
    for (Item item :
        items.query(ItemQuery.partition(MetricKeys.linksPk(store, userId)).limit(limit))) {
      out.add(item.key().sk().substring("ANON#".length()));
      if (out.size() >= limit) {
        break;
      }
    }
    return out;
  }

  private Map<LocalDate, Map<String, Long>> days(String pk, DateRange range) {
    Map<LocalDate, Map<String, Long>> out = new TreeMap<>();
    for (Item item : between(pk, range)) {
      Map<String, Long> numbers = item.numbers();
      numbers.remove(MetricKeys.VERSION);
      out.put(MetricKeys.dayOf(item.key().sk()), numbers);
    }
    return out;
  }

  private List<Item> between(String pk, DateRange range) {
    return items.query(
        ItemQuery.between(pk, MetricKeys.daySk(range.from()), MetricKeys.daySk(range.to())));
  }
}
