package dev.tally.core.port;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemMath;
import dev.tally.core.item.ItemStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link DedupStore} on any {@link ItemStore} with key-only items (the dedup table): one item per
 * published message, {@code pk = {storeId}#{messageId}}, gone after {@code ttl} through {@link
 * ItemStore#EXPIRES_AT} (DynamoDB's TTL deletes it; reads ignore it once expired). Costs one read
 * per checked id and one write per remembered id.
 */
public final class ItemDedupStore implements DedupStore {
  /** How long a message id is remembered by default. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  private final ItemStore items;
  private final Duration ttl;
  private final Clock clock;

  public ItemDedupStore(ItemStore items, Duration ttl, Clock clock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    this.items = items;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public Set<String> seen(String storeId, Collection<String> messageIds) {
    List<ItemKey> keys = new ArrayList<>();
    for (String id : new LinkedHashSet<>(messageIds)) {
      keys.add(key(storeId, id));
    }
    if (keys.isEmpty()) {
      return Set.of();
    }
    long now = clock.instant().getEpochSecond();
    Set<String> out = new HashSet<>();
    for (Map.Entry<ItemKey, Item> e : items.getAll(keys).entrySet()) {
      if (!ItemMath.expired(e.getValue(), now)) {
        out.add(e.getKey().pk().substring(storeId.length() + 1));
      }
    }
    return out;
  }

  @Override
  public void remember(String storeId, Collection<String> messageIds) {
    AttrValue expiresAt = AttrValue.num(clock.instant().plus(ttl).getEpochSecond());
    List<Item> batch = new ArrayList<>();
    for (String id : new LinkedHashSet<>(messageIds)) {
      batch.add(Item.of(key(storeId, id), Map.of(ItemStore.EXPIRES_AT, expiresAt)));
    }
    if (!batch.isEmpty()) {
      items.putAll(batch);
    }
  }

  private static ItemKey key(String storeId, String messageId) {
    return ItemKey.of(storeId + "#" + messageId, "");
  }
}
