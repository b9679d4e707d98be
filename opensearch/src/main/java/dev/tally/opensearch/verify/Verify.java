package dev.tally.opensearch.verify;

import dev.tally.core.agg.Counter;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.ProductCounter;
import dev.tally.core.store.Store;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code tally verify}: compares OpenSearch's aggregations with Tally's for a store and a range.
 * Counters, money and per-day distinct devices must be equal; distinct devices over the whole range
 * come from sketches on Tally's side and may differ by {@link #SKETCH_TOLERANCE}.
 */
public final class Verify {
  /** Relative error allowed between Tally's range sketches and OpenSearch's exact counts. */
  public static final double SKETCH_TOLERANCE = 0.02;

  /** The sections of the report, in order. */
  public enum Section {
    COUNTS("counts per event type and day"),
    MONEY("revenue and refunds per day (minor units)"),
    DISTINCT_DAY("distinct devices per funnel step and day"),
    DISTINCT_RANGE("distinct devices per funnel step, whole range (Tally: sketch, ±2%)"),
    PRODUCTS("top products");

    private final String title;

    Section(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  /** One compared figure. */
  public record Row(
      Section section, String key, String metric, long tally, long openSearch, boolean equal) {
    public long difference() {
      return openSearch - tally;
    }
  }

  /** Everything compared; {@link #equal()} decides the exit code. */
  public record Report(
      Store store,
      LocalDate from,
      LocalDate to,
      List<Row> rows,
      String tallySource,
      String openSearch,
      Duration elapsed) {
    public boolean equal() {
      return rows.stream().allMatch(Row::equal);
    }

    public List<Row> differences() {
      return rows.stream().filter(r -> !r.equal()).toList();
    }
  }

  private Verify() {}

  /** Reads both sides for a store and range and compares them. */
  public static Report run(
      TallyFigures tally,
      OpenSearchFigures openSearch,
      String openSearchUrl,
      String storeId,
      LocalDate from,
      LocalDate to,
      int topProducts) {
    long started = System.nanoTime();
    Store store = tally.store(storeId);
    Figures t = tally.read(store, from, to, topProducts);
    Figures o = openSearch.read(store, from, to);
    return new Report(
        store,
        from,
        to,
        compare(t, o, topProducts),
        tally.describe(),
        openSearchUrl,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * Compares the two sides.
   *
   * @param topProducts products compared: the top N of each ranking (views, adds, units, revenue)
   *     on either side
   */
  public static List<Row> compare(Figures tally, Figures os, int topProducts) {
    List<Row> rows = new ArrayList<>();
    Set<LocalDate> days = new TreeSet<>(tally.days().keySet());
    days.addAll(os.days().keySet());
    for (LocalDate day : days) {
      Map<String, Long> t = tally.days().getOrDefault(day, Map.of());
      Map<String, Long> o = os.days().getOrDefault(day, Map.of());
      for (Counter c : Counter.values()) {
        Section s = c.isMoney() ? Section.MONEY : Section.COUNTS;
        rows.add(exact(s, day.toString(), c.attribute(), t, o));
      }
      for (FunnelStep step : FunnelStep.values()) {
        rows.add(exact(Section.DISTINCT_DAY, day.toString(), step.attribute(), t, o));
      }
    }
    for (FunnelStep step : FunnelStep.values()) {
      long t = tally.rangeDistinct().getOrDefault(step.attribute(), 0L);
      long o = os.rangeDistinct().getOrDefault(step.attribute(), 0L);
      boolean ok = Math.abs(t - o) <= SKETCH_TOLERANCE * Math.max(t, o);
      rows.add(new Row(Section.DISTINCT_RANGE, "range", step.attribute(), t, o, ok));
    }
    Set<String> products = new LinkedHashSet<>();
    for (Map<String, Map<String, Long>> side : List.of(tally.products(), os.products())) {
      for (ProductCounter by :
          List.of(
              ProductCounter.VIEWS,
              ProductCounter.ADDS,
              ProductCounter.UNITS,
              ProductCounter.REVENUE)) {
        products.addAll(top(side, by.attribute(), topProducts));
      }
    }
    for (String p : new TreeSet<>(products)) {
      Map<String, Long> t = tally.products().getOrDefault(p, Map.of());
      Map<String, Long> o = os.products().getOrDefault(p, Map.of());
      for (ProductCounter c : ProductCounter.values()) {
        rows.add(exact(Section.PRODUCTS, p, c.attribute(), t, o));
      }
    }
    return rows;
  }

  private static Row exact(
      Section s, String key, String metric, Map<String, Long> t, Map<String, Long> o) {
    long a = t.getOrDefault(metric, 0L);
    long b = o.getOrDefault(metric, 0L);
    return new Row(s, key, metric, a, b, a == b);
  }

  static List<String> top(Map<String, Map<String, Long>> products, String by, int n) {
    return products.entrySet().stream()
        .filter(e -> e.getValue().getOrDefault(by, 0L) > 0)
        .sorted(
            Comparator.comparing(
                    (Map.Entry<String, Map<String, Long>> e) -> e.getValue().getOrDefault(by, 0L))
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .limit(n)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The printed report: a summary per section, then every difference. */
  public static String format(Report r) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "tally verify: store %s, %s..%s (%s, %s)%n  OpenSearch: %s%n  Tally:      %s%n%n",
            r.store().id(),
            r.from(),
            r.to(),
            r.store().timezone().getId(),
            r.store().currency().getCurrencyCode(),
            r.openSearch(),
            r.tallySource()));
    Map<Section, long[]> perSection = new LinkedHashMap<>();
    for (Section s : Section.values()) {
      perSection.put(s, new long[2]);
    }
    for (Row row : r.rows()) {
      long[] c = perSection.get(row.section());
      c[0]++;
      if (!row.equal()) {
        c[1]++;
      }
    }
    out.append(String.format("%-72s %9s %12s%n", "SECTION", "COMPARED", "DIFFERENCES"));
    perSection.forEach(
        (s, c) -> out.append(String.format("%-72s %9d %12d%n", s.title(), c[0], c[1])));
    List<Row> diffs = r.differences();
    if (!diffs.isEmpty()) {
      out.append(
          String.format(
              "%n%-16s %-24s %-18s %14s %14s %12s%n",
              "SECTION", "KEY", "METRIC", "TALLY", "OPENSEARCH", "DIFFERENCE"));
      for (Row d : diffs) {
        out.append(
            String.format(
                "%-16s %-24s %-18s %14d %14d %+12d%n",
                d.section().name().toLowerCase(),
                d.key(),
                d.metric(),
                d.tally(),
                d.openSearch(),
                d.difference()));
      }
    }
    out.append(
        String.format(
            "%n%s (%d figures compared, %d different) in %.1f s%n",
            r.equal() ? "EQUAL" : "DIFFERENT",
            r.rows().size(),
            diffs.size(),
            r.elapsed().toMillis() / 1000.0));
    return out.toString();
  }
}
