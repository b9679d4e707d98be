package dev.tally.core.regulation;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link SuppressionList} on any {@link ItemStore} with key-only items (the stores table): one item
 * {@code SUPPRESS#{sha256(store:id)}} per suppressed id, holding the store and when. Never the id.
 */
public final class ItemSuppressionList implements SuppressionList {
  static final String PREFIX = "SUPPRESS#";
  private final ItemStore items;
  private final Clock clock;

  public ItemSuppressionList(ItemStore items, Clock clock) {
    this.items = items;
    this.clock = clock;
  }

  @Override
  public Set<String> suppressedAmong(String store, Collection<String> ids) {
    Map<ItemKey, String> keys = new HashMap<>();
    for (String id : ids) {
      if (id != null) {
        keys.put(key(store, id), id);
      }
    }
    if (keys.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    items.getAll(keys.keySet()).keySet().forEach(k -> out.add(keys.get(k)));
    return out;
  }

  @Override
  public void suppress(String store, Collection<String> ids) {
    List<Item> batch = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      batch.add(
          Item.of(
              key(store, id),
              Map.of(
                  "store", AttrValue.str(store),
                  "since", AttrValue.num(clock.millis()))));
    }
    if (!batch.isEmpty()) {
      items.putAll(batch);
    }
  }

  @Override
  public void unsuppress(String store, Collection<String> ids) {
    List<ItemWrite> deletes = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      deletes.add(ItemWrite.delete(key(store, id), null));
      if (deletes.size() == items.maxWritesPerCall()) {
        items.write(deletes);
        deletes = new ArrayList<>();
      }
    }
    if (!deletes.isEmpty()) {
      items.write(deletes);
    }
  }

  static ItemKey key(String store, String id) {
    return ItemKey.of(PREFIX + SubjectHash.of(store, id), "");
  }
}
