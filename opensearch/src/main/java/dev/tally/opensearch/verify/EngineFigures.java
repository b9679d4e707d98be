package dev.tally.opensearch.verify;

import dev.tally.core.agg.Counter;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.regulation.KeptLedger;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import dev.tally.query.DateRange;
import dev.tally.query.MetricsReader;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tally's figures from the metrics items, through the query API's own {@link MetricsReader}, less
 * what the kept aggregates hold of people deleted since (their {@link
 * dev.tally.core.regulation.KeptLedger}): the copy being verified no longer has their events.
 */
public final class EngineFigures implements TallyFigures {
  private final StoreRegistry stores;
  private final MetricsReader reader;
  private final int shards;
  private final String description;

  /**
   * @param shards store-day write shards; must equal the aggregator's (4 in the local stack)
   */
  public EngineFigures(StoreRegistry stores, MetricsReader reader, int shards, String description) {
    this.stores = stores;
    this.reader = reader;
    this.shards = shards;
    this.description = description;
  }

  @Override
  public Store store(String storeId) {
    return stores
        .find(storeId)
        .orElseThrow(() -> new NotFoundException("no store '" + storeId + "' in " + description));
  }

  @Override
  public Figures read(Store store, LocalDate from, LocalDate to, int topProducts) {
    DateRange range = new DateRange(from, to);
    Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
    KeptLedger.Range deleted = reader.kept(store.id(), range);
    reader
        .storeDays(store.id(), shards, range)
        .forEach(
            (day, attrs) -> {
              Map<String, Long> ledger = deleted.days().getOrDefault(day, Map.of());
              Map<String, Long> kept = new HashMap<>();
              for (Counter c : Counter.values()) {
                String a = c.attribute();
                kept.put(a, attrs.getOrDefault(a, 0L) - ledger.getOrDefault(a, 0L));
              }
              for (FunnelStep s : FunnelStep.values()) {
                String a = s.attribute();
                kept.put(a, attrs.getOrDefault(a, 0L) - ledger.getOrDefault(a, 0L));
              }
              days.put(day, kept);
            });
    Map<String, Long> distinct = new HashMap<>();
    reader
        .distinctUsers(store.id(), List.of(FunnelStep.values()), range)
        .forEach((step, n) -> distinct.put(step.attribute(), n));
    Map<String, Map<String, Long>> products = new HashMap<>();
    reader
        .products(store.id(), range)
        .forEach(
            (id, counters) -> {
              Map<String, Long> ledger = deleted.products().getOrDefault(id, Map.of());
              Map<String, Long> left = new HashMap<>();
              counters.forEach((c, v) -> left.put(c, v - ledger.getOrDefault(c, 0L)));
              products.put(id, left);
            });
    return new Figures(days, distinct, products);
  }

  @Override
  public String describe() {
    return description;
  }
}
