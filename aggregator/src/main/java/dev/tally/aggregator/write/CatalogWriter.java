package dev.tally.aggregator.write;

import dev.tally.core.agg.CatalogEntry;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the store's product catalog: per product, the greatest {@link CatalogEntry} any event
 * carried. A stored entry is replaced only by a greater one, guarded by the item's version, so the
 * catalog is the same whatever the order and batching of the events, and writing it again changes
 * nothing (no exactly-once bookkeeping needed). Most batches write nothing: a product's entry
 * changes at most once a day unless it is renamed.
 */
final class CatalogWriter {
  private static final int MAX_ATTEMPTS = 8;
  private final ItemStore items;

  CatalogWriter(ItemStore items) {
    this.items = items;
  }

  void record(String store, Map<String, CatalogEntry> entries, int[] requests) {
    Map<String, CatalogEntry> left = new LinkedHashMap<>(entries);
    for (int attempt = 1; !left.isEmpty(); attempt++) {
      Map<ItemKey, CatalogEntry> byKey = new LinkedHashMap<>();
      left.forEach(
          (id, e) ->
              byKey.put(ItemKey.of(MetricKeys.catalogPk(store), MetricKeys.catalogSk(id)), e));
      Map<ItemKey, Item> stored = new HashMap<>(items.getAll(byKey.keySet()));
      List<String> retry = new ArrayList<>();
      for (var e : byKey.entrySet()) {
        Item current = stored.get(e.getKey());
        CatalogEntry mine = e.getValue();
        if (current != null && entryOf(current, mine.productId()).compareTo(mine) >= 0) {
          continue;
        }
        Long version = current == null ? null : current.numOrNull(MetricKeys.VERSION);
        Map<String, AttrValue> attrs = new LinkedHashMap<>();
        attrs.put(MetricKeys.NAME, AttrValue.str(mine.name()));
        if (mine.imageUrl() != null) {
          attrs.put(MetricKeys.IMAGE_URL, AttrValue.str(mine.imageUrl()));
        }
        attrs.put(MetricKeys.CATALOG_DAY, AttrValue.num(mine.day()));
        attrs.put(MetricKeys.VERSION, AttrValue.num(version == null ? 1 : version + 1));
        requests[0]++;
        try {
          items.write(
              List.of(
                  ItemWrite.put(
                      Item.of(e.getKey(), attrs),
                      Condition.versionIs(MetricKeys.VERSION, version))));
        } catch (ConditionFailedException conflict) {
          retry.add(mine.productId()); // written meanwhile: compare with what is there now
        }
      }
      left.keySet().retainAll(retry);
      if (!left.isEmpty() && attempt >= MAX_ATTEMPTS) {
        throw new RetryableException(
            "catalog_conflict",
            "the catalog entries of " + left.keySet() + " kept changing",
            Duration.ofSeconds(1));
      }
    }
  }

  private static CatalogEntry entryOf(Item item, String productId) {
    String name = item.str(MetricKeys.NAME);
    Long day = item.numOrNull(MetricKeys.CATALOG_DAY);
    return new CatalogEntry(
        productId,
        day == null ? Long.MIN_VALUE : day,
        name == null ? "" : name,
        item.str(MetricKeys.IMAGE_URL));
  }
}
