package dev.tally.core.regulation;

import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the kept store and product aggregates still hold of deleted people, per store-local day: the
 * counters their events added, the funnel steps their device-days reached, and their product
 * counters. Aggregate figures only (no id, no event). Items {@code {store}#KEPT} / {@code DAY#d}
 * and {@code PRODUCTS#d}; written by a deletion that keeps the aggregates, read by {@code tally
 * verify}, which compares the aggregates minus this ledger with a copy the people were deleted
 * from.
 */
public final class KeptLedger {
  private static final String PRODUCTS = "PRODUCTS#";

  private KeptLedger() {}

  static String pk(String store) {
    return store + "#KEPT";
  }

  /** The ledger's counters of one day. */
  public static ItemKey dayKey(String store, LocalDate day) {
    return ItemKey.of(pk(store), MetricKeys.daySk(day));
  }

  /** The ledger's product counters of one day. */
  public static ItemKey productsKey(String store, LocalDate day) {
    return ItemKey.of(pk(store), PRODUCTS + MetricKeys.daySk(day));
  }

  /** The ledger of a range: per day counters and steps, and per product id its counters. */
  public record Range(
      Map<LocalDate, Map<String, Long>> days, Map<String, Map<String, Long>> products) {
    public static final Range EMPTY = new Range(Map.of(), Map.of());

    public boolean isEmpty() {
      return days.isEmpty() && products.isEmpty();
    }
  }

  /** Reads the ledger for {@code from}..{@code to} (two bounded range queries). */
  public static Range read(ItemStore metrics, String store, LocalDate from, LocalDate to) {
    Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
    for (Item i :
        metrics.query(ItemQuery.between(pk(store), MetricKeys.daySk(from), MetricKeys.daySk(to)))) {
      Map<String, Long> n = i.numbers();
      n.remove(MetricKeys.VERSION);
      days.put(MetricKeys.dayOf(i.key().sk()), n);
    }
    Map<String, Map<String, Long>> products = new HashMap<>();
    for (Item i :
        metrics.query(
            ItemQuery.between(
                pk(store), PRODUCTS + MetricKeys.daySk(from), PRODUCTS + MetricKeys.daySk(to)))) {
      i.numbers()
          .forEach(
              (attr, v) -> {
                String[] parsed = MetricKeys.parseProductAttribute(attr);
                if (parsed != null) {
                  products
                      .computeIfAbsent(parsed[1], k -> new HashMap<>())
                      .merge(parsed[0], v, Long::sum);
                }
              });
    }
    return new Range(days, products);
  }
}
