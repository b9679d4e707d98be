package dev.tally.opensearch.verify;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures {@code tally verify} compares, from either side.
 *
 * @param days per store-local day: every counter of {@link dev.tally.core.agg.Counter} (money in
 *     minor units) and, per funnel step, the distinct devices that reached it that day (named as
 *     {@link dev.tally.core.agg.FunnelStep#attribute()})
 * @param rangeDistinct per funnel step, the distinct devices over the whole range (Tally: a sketch)
 * @param products per product id: views, adds, removes, units, revenue (minor units)
 */
public record Figures(
    Map<LocalDate, Map<String, Long>> days,
    Map<String, Long> rangeDistinct,
    Map<String, Map<String, Long>> products) {

  public Figures {
    days = new TreeMap<>(days);
    rangeDistinct = Map.copyOf(rangeDistinct);
    products = Map.copyOf(products);
  }
}
