package dev.tally.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.ProductCounter;
import dev.tally.core.agg.Sums;
import dev.tally.core.agg.Touch;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.money.Money;
import dev.tally.core.store.Store;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store-wide views (funnel, time series, top products, summary). Each reads a fixed set of
 * partitions for the range: the store-day shards, one sketch partition per needed step, or one
 * product partition per day. Nothing here depends on how many raw events there were.
 */
final class StoreViews {
  static final int MAX_PRODUCTS = 100;
  static final int DEFAULT_PRODUCTS = 10;
  private static final List<String> PRODUCT_SORTS = List.of("views", "adds", "units", "revenue");

  private final MetricsReader reader;
  private final int shards;

  StoreViews(MetricsReader reader, int shards) {
    this.reader = reader;
    this.shards = shards;
  }

  /**
   * Funnel: exact user-days from the daily distinct counters, range-distinct users from sketches.
   */
  ObjectNode funnel(Store store, DateRange range) {
    Map<LocalDate, Map<String, Long>> days = reader.storeDays(store.id(), shards, range);
    Map<FunnelStep, Long> distinct =
        reader.distinctUsers(store.id(), List.of(FunnelStep.values()), range);
    ObjectNode out = rangeNode(range);
    ArrayNode steps = out.putArray("steps");
    long firstUsers = 0;
    long firstDays = 0;
    long prevUsers = 0;
    long prevDays = 0;
    for (FunnelStep step : FunnelStep.values()) {
      long userDays = sum(days, step.attribute());
      long users = distinct.get(step);
      if (step == FunnelStep.VISITED) {
        firstUsers = users;
        firstDays = userDays;
        prevUsers = users;
        prevDays = userDays;
      }
      ObjectNode s = steps.addObject();
      s.put("step", step.attribute());
      s.put("userDays", userDays);
      s.put("users", users);
      s.put("approximate", true);
      putRatio(s, "conversionFromStart", users, firstUsers);
      putRatio(s, "conversionFromPrevious", users, prevUsers);
      s.put("dropOff", Math.max(0, prevUsers - users));
      putRatio(s, "userDaysConversionFromStart", userDays, firstDays);
      putRatio(s, "userDaysConversionFromPrevious", userDays, prevDays);
      s.put("userDaysDropOff", Math.max(0, prevDays - userDays));
      prevUsers = users;
      prevDays = userDays;
    }
    return out;
  }

  /** One metric per day, ISO week or month; buckets at the ends are clipped to the range. */
  ObjectNode timeseries(Store store, SeriesMetric metric, Interval interval, DateRange range) {
    TreeMap<LocalDate, Map<String, Long>> days =
        new TreeMap<>(reader.storeDays(store.id(), shards, range));
    // Distinct visitors of a longer bucket are a sketch union; a day's count is exact.
    boolean acquisitionMetric = SeriesMetric.ACQUISITION.contains(metric.id());
    Map<LocalDate, Map<String, Long>> acquisition =
        acquisitionMetric ? reader.acquisitionDays(store.id(), range) : Map.of();
    Map<LocalDate, byte[]> visitedSketches =
        metric.id().equals(SeriesMetric.VISITORS) && interval != Interval.DAY
            ? reader.sketchesByDay(store.id(), FunnelStep.VISITED, range)
            : Map.of();
    Map<LocalDate, byte[]> returningSketches =
        metric.id().equals(SeriesMetric.RETURNING_VISITORS) && interval != Interval.DAY
            ? reader.sketchesByDay(store.id(), MetricKeys.RETURNING, range)
            : Map.of();
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("metric", metric.id());
    out.put("interval", interval.id());
    out.put("unit", metric.unit());
    out.put("currency", store.currency().getCurrencyCode());
    out.put("from", range.from().toString());
    out.put("to", range.to().toString());
    ArrayNode points = out.putArray("points");
    for (Interval.Bucket b : interval.buckets(range)) {
      DateRange bucket = new DateRange(b.start(), b.end());
      Map<LocalDate, Map<String, Long>> in = days.subMap(b.start(), true, b.end(), true);
      ObjectNode p = points.addObject();
      p.put("start", b.start().toString());
      p.put("end", b.end().toString());
      if (metric.counter() != null) {
        long v = sum(in, metric.counter().attribute());
        if (metric.counter().isMoney()) {
          p.put("value", Money.format(v, store.currency()));
        } else {
          p.put("value", v);
        }
        continue;
      }
      switch (metric.id()) {
        case SeriesMetric.NET_REVENUE ->
            p.put("value", Money.format(sum(in, "revenue") - sum(in, "refunds"), store.currency()));
        case SeriesMetric.AVERAGE_ORDER_VALUE ->
            p.put(
                "value",
                average(
                        sum(in, "revenue"),
                        sum(in, "ordersCompleted") - sum(in, "unconvertedOrders"),
                        store)
                    .toPlainString());
        case SeriesMetric.CONVERSION_RATE ->
            p.put(
                "value",
                ratio(
                    sum(in, FunnelStep.COMPLETED_ORDER.attribute()),
                    sum(in, FunnelStep.VISITED.attribute())));
        case SeriesMetric.VISITORS ->
            p.put("value", visitors(interval, in, bucket, visitedSketches));
        case SeriesMetric.SESSIONS ->
            p.put("value", Math.max(0, sumIn(acquisition, bucket, MetricKeys.SESSIONS_TOTAL)));
        case SeriesMetric.NEW_VISITORS ->
            p.put("value", Math.max(0, sumIn(acquisition, bucket, MetricKeys.NEW_VISITORS)));
        case SeriesMetric.RETURNING_VISITORS ->
            // A day's visitors are either new that day or returning, both counted exactly.
            p.put(
                "value",
                interval == Interval.DAY
                    ? Math.max(
                        0,
                        sum(in, FunnelStep.VISITED.attribute())
                            - sumIn(acquisition, bucket, MetricKeys.NEW_VISITORS))
                    : union(bucket, returningSketches));
        default -> throw new IllegalStateException("unhandled metric " + metric.id());
      }
    }
    return out;
  }

  /** Distinct visitors of a bucket: exact for a day, a sketch union for a longer bucket. */
  private static long visitors(
      Interval interval,
      Map<LocalDate, Map<String, Long>> in,
      DateRange bucket,
      Map<LocalDate, byte[]> sketches) {
    if (interval == Interval.DAY) {
      return sum(in, FunnelStep.VISITED.attribute());
    }
    return union(bucket, sketches);
  }

  private static long union(DateRange bucket, Map<LocalDate, byte[]> sketches) {
    List<byte[]> parts = new ArrayList<>();
    for (LocalDate d : bucket.each()) {
      parts.add(sketches.get(d));
    }
    return DistinctSketch.estimateUnion(parts);
  }

  private static long sumIn(
      Map<LocalDate, Map<String, Long>> days, DateRange bucket, String attribute) {
    long total = 0;
    for (LocalDate d : bucket.each()) {
      total = Sums.add(total, days.getOrDefault(d, Map.of()).getOrDefault(attribute, 0L));
    }
    return total;
  }

  /** Products ranked by one counter over the range (ties by product id). */
  ObjectNode topProducts(Store store, DateRange range, String by, String limitParam) {
    String sort = by == null || by.isBlank() ? "revenue" : by;
    if (!PRODUCT_SORTS.contains(sort)) {
      throw new ValidationException(
          "invalid_by", "by '" + by + "' must be one of " + String.join(", ", PRODUCT_SORTS));
    }
    int limit = limit(limitParam);
    List<Map.Entry<String, Map<String, Long>>> top =
        reader.topProducts(store.id(), range, sort, limit);
    ObjectNode out = rangeNode(range);
    out.put("by", sort);
    out.put("limit", limit);
    out.put("currency", store.currency().getCurrencyCode());
    ArrayNode products = out.putArray("products");
    // Names and images from the catalog: one batch read of at most `limit` items.
    Map<String, dev.tally.core.item.Item> catalog =
        reader.catalog(store.id(), top.stream().map(Map.Entry::getKey).toList());
    for (var e : top) {
      ObjectNode p = products.addObject();
      p.put("productId", e.getKey());
      dev.tally.core.item.Item named = catalog.get(e.getKey());
      putOrNull(p, "name", named == null ? null : named.str(dev.tally.core.item.MetricKeys.NAME));
      putOrNull(
          p,
          "imageUrl",
          named == null ? null : named.str(dev.tally.core.item.MetricKeys.IMAGE_URL));
      for (ProductCounter c : ProductCounter.values()) {
        long v = e.getValue().getOrDefault(c.attribute(), 0L);
        if (c == ProductCounter.REVENUE) {
          p.put(c.attribute(), Money.format(v, store.currency()));
        } else {
          p.put(c.attribute(), v);
        }
      }
      long views = e.getValue().getOrDefault(ProductCounter.VIEWS.attribute(), 0L);
      long adds = e.getValue().getOrDefault(ProductCounter.ADDS.attribute(), 0L);
      long units = e.getValue().getOrDefault(ProductCounter.UNITS.attribute(), 0L);
      putRatio(p, "viewToCart", adds, views);
      putRatio(p, "cartToPurchase", units, adds);
    }
    return out;
  }

  /**
   * Sessions with their orders and revenue by one acquisition dimension over the range, most
   * sessions first (ties by value). A session counts under its first event's source, campaign,
   * landing page and device; past {@link Touch#MAX_LABELS_PER_DAY} values a day, under "(other)".
   */
  ObjectNode acquisition(Store store, DateRange range, String by, String limitParam) {
    Touch.Dimension d = Touch.Dimension.byKey(by == null || by.isBlank() ? "source" : by.trim());
    if (d == null) {
      List<String> keys = new ArrayList<>();
      for (Touch.Dimension x : Touch.Dimension.values()) {
        keys.add(x.key());
      }
      throw new ValidationException(
          "invalid_by", "by '" + by + "' must be one of " + String.join(", ", keys));
    }
    int limit = limit(limitParam);
    List<Map.Entry<String, long[]>> ranked =
        new ArrayList<>(reader.acquisition(store.id(), d, range).entrySet());
    ranked.removeIf(e -> e.getValue()[0] == 0 && e.getValue()[1] == 0 && e.getValue()[2] == 0);
    ranked.sort(
        Comparator.comparing((Map.Entry<String, long[]> e) -> e.getValue()[0])
            .reversed()
            .thenComparing(Map.Entry::getKey));
    long[] total = new long[3];
    for (var e : ranked) {
      for (int i = 0; i < 3; i++) {
        total[i] = Sums.add(total[i], e.getValue()[i]);
      }
    }
    ObjectNode out = rangeNode(range);
    out.put("by", d.key());
    out.put("limit", limit);
    out.put("currency", store.currency().getCurrencyCode());
    ObjectNode totals = out.putObject("totals");
    acquisitionRow(totals, total, store);
    ArrayNode rows = out.putArray("rows");
    for (var e : ranked.subList(0, Math.min(limit, ranked.size()))) {
      ObjectNode r = rows.addObject();
      r.put("value", e.getKey());
      acquisitionRow(r, e.getValue(), store);
    }
    return out;
  }

  private static void acquisitionRow(ObjectNode r, long[] v, Store store) {
    r.put("sessions", v[0]);
    r.put("ordersCompleted", v[1]);
    r.put("revenue", Money.format(v[2], store.currency()));
    putRatio(r, "conversionRate", v[1], v[0]);
  }

  private static int limit(String value) {
    return limit(value, DEFAULT_PRODUCTS, MAX_PRODUCTS);
  }

  /** A {@code limit} parameter: {@code dflt} when absent, else a whole number in 1..max. */
  static int limit(String value, int dflt, int max) {
    if (value == null || value.isBlank()) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > max) {
      throw new ValidationException(
          "invalid_limit", "limit '" + value + "' must be a whole number from 1 to " + max);
    }
    return n;
  }

  /** KPI tiles for the range and the equally long period just before it. */
  ObjectNode summary(Store store, DateRange range) {
    DateRange previous = range.previous();
    Period now = period(store, range);
    Period before = period(store, previous);
    ObjectNode out = rangeNode(range);
    out.put("previousFrom", previous.from().toString());
    out.put("previousTo", previous.to().toString());
    out.put("currency", store.currency().getCurrencyCode());
    ObjectNode tiles = out.putObject("tiles");
    int digits = store.currency().getDefaultFractionDigits();
    moneyTile(
        tiles,
        "revenue",
        BigDecimal.valueOf(now.revenue, digits),
        BigDecimal.valueOf(before.revenue, digits));
    countTile(tiles, "ordersCompleted", now.orders, before.orders);
    moneyTile(
        tiles,
        "averageOrderValue",
        averageOrNull(now.revenue, now.pricedOrders, store),
        averageOrNull(before.revenue, before.pricedOrders, store));
    countTile(tiles, "visitors", now.visitors, before.visitors);
    ratioTile(
        tiles,
        "conversionRate",
        now.visitors == 0 ? null : ratio(now.buyers, now.visitors),
        before.visitors == 0 ? null : ratio(before.buyers, before.visitors));
    countTile(tiles, "sessions", now.sessions, before.sessions);
    countTile(tiles, "newVisitors", now.newVisitors, before.newVisitors);
    countTile(tiles, "returningVisitors", now.returning, before.returning);
    // The names before the time-series names were adopted; kept for one release.
    for (var alias : TILE_ALIASES.entrySet()) {
      tiles.set(alias.getKey(), tiles.get(alias.getValue()).deepCopy());
    }
    return out;
  }

  /** Deprecated tile name → its name in the time series; dropped in the next release. */
  static final Map<String, String> TILE_ALIASES =
      Map.of(
          "orders", "ordersCompleted", "aov", "averageOrderValue", "conversion", "conversionRate");

  /** {@code pricedOrders} leaves out orders in another currency, whose revenue is not counted. */
  private record Period(
      long revenue,
      long orders,
      long pricedOrders,
      long visitors,
      long buyers,
      long sessions,
      long newVisitors,
      long returning) {}

  private Period period(Store store, DateRange range) {
    Map<LocalDate, Map<String, Long>> days = reader.storeDays(store.id(), shards, range);
    Map<LocalDate, Map<String, Long>> acquisition = reader.acquisitionDays(store.id(), range);
    Map<FunnelStep, Long> distinct =
        reader.distinctUsers(
            store.id(), List.of(FunnelStep.VISITED, FunnelStep.COMPLETED_ORDER), range);
    return new Period(
        sum(days, "revenue"),
        sum(days, "ordersCompleted"),
        sum(days, "ordersCompleted") - sum(days, "unconvertedOrders"),
        distinct.get(FunnelStep.VISITED),
        distinct.get(FunnelStep.COMPLETED_ORDER),
        Math.max(0, sum(acquisition, MetricKeys.SESSIONS_TOTAL)),
        Math.max(0, sum(acquisition, MetricKeys.NEW_VISITORS)),
        reader.returningVisitors(store.id(), range));
  }

  /** A money tile; a value is null where it is undefined (an average of no orders). */
  private static void moneyTile(
      ObjectNode tiles, String name, BigDecimal value, BigDecimal previous) {
    ObjectNode t = tiles.putObject(name);
    putOrNull(t, "value", value == null ? null : value.toPlainString());
    putOrNull(t, "previous", previous == null ? null : previous.toPlainString());
    putChange(t, value, previous);
  }

  private static void countTile(ObjectNode tiles, String name, long value, long previous) {
    ObjectNode t = tiles.putObject(name);
    t.put("value", value);
    t.put("previous", previous);
    putChange(t, BigDecimal.valueOf(value), BigDecimal.valueOf(previous));
  }

  /** A ratio tile; null where the ratio is undefined (no visitors). */
  private static void ratioTile(ObjectNode tiles, String name, Double value, Double previous) {
    ObjectNode t = tiles.putObject(name);
    if (value == null) {
      t.putNull("value");
    } else {
      t.put("value", value);
    }
    if (previous == null) {
      t.putNull("previous");
    } else {
      t.put("previous", previous);
    }
    putChange(
        t,
        value == null ? null : BigDecimal.valueOf(value),
        previous == null ? null : BigDecimal.valueOf(previous));
  }

  private static void putOrNull(ObjectNode t, String field, String value) {
    if (value == null) {
      t.putNull(field);
    } else {
      t.put(field, value);
    }
  }

  /**
   * Relative change against the previous period; null when there is nothing to compare with (the
   * previous value is zero or undefined, or this one is undefined).
   */
  private static void putChange(ObjectNode t, BigDecimal value, BigDecimal previous) {
    if (value == null || previous == null || previous.signum() == 0) {
      t.putNull("change");
    } else {
      t.put(
          "change", value.subtract(previous).divide(previous, MathContext.DECIMAL64).doubleValue());
    }
  }

  /** Revenue per order, or null without orders (an average of nothing is not zero). */
  static BigDecimal averageOrNull(long revenueMinor, long orders, Store store) {
    return orders == 0 ? null : average(revenueMinor, orders, store);
  }

  /** Revenue per order in the store currency's minor digits (half-up); zero without orders. */
  static BigDecimal average(long revenueMinor, long orders, Store store) {
    int digits = store.currency().getDefaultFractionDigits();
    if (orders == 0) {
      return BigDecimal.valueOf(0, digits);
    }
    return BigDecimal.valueOf(revenueMinor, digits)
        .divide(BigDecimal.valueOf(orders), digits, RoundingMode.HALF_UP);
  }

  /** part / whole, or 0 when whole is 0 (for values that are charted). */
  static double ratio(long part, long whole) {
    return whole == 0 ? 0.0 : (double) part / whole;
  }

  /** part / whole, or null when whole is 0 (for funnel conversions, which are not charted as 0). */
  private static void putRatio(ObjectNode n, String field, long part, long whole) {
    if (whole == 0) {
      n.putNull(field);
    } else {
      n.put(field, (double) part / whole);
    }
  }

  static long sum(Map<LocalDate, Map<String, Long>> days, String attribute) {
    long total = 0;
    for (Map<String, Long> attrs : days.values()) {
      total = Sums.add(total, attrs.getOrDefault(attribute, 0L));
    }
    return total;
  }

  private static ObjectNode rangeNode(DateRange range) {
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("from", range.from().toString());
    out.put("to", range.to().toString());
    return out;
  }
}
