package dev.tally.core.port;

import dev.tally.core.event.Event;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemMath;
import dev.tally.core.item.ItemStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

  /** Marks a pin that was not yet remembered as published (absent on published records). */
  static final String STATE = "state";

  static final String PINNED = "P";

  @Override
  public Set<String> seen(String storeId, Collection<String> messageIds) {
    Set<String> out = new HashSet<>();
    read(storeId, messageIds)
        .forEach(
            (id, item) -> {
              if (!PINNED.equals(item.str(STATE))) {
                out.add(id);
              }
            });
    return out;
  }

  @Override
  public Map<String, Pin> pinned(String storeId, Collection<String> messageIds) {
    Map<String, Pin> out = new HashMap<>();
    read(storeId, messageIds)
        .forEach(
            (id, item) -> {
              if (PINNED.equals(item.str(STATE))) {
                out.put(
                    id,
                    new Pin(
                        item.str("anonymousId"),
                        item.str("userId"),
                        Instant.ofEpochMilli(item.num("timestamp"))));
              }
            });
    return out;
  }

  private Map<String, Item> read(String storeId, Collection<String> messageIds) {
    List<ItemKey> keys = new ArrayList<>();
    for (String id : new LinkedHashSet<>(messageIds)) {
      keys.add(key(storeId, id));
    }
    if (keys.isEmpty()) {
      return Map.of();
    }
    long now = clock.instant().getEpochSecond();
    Map<String, Item> out = new HashMap<>();
    for (Map.Entry<ItemKey, Item> e : items.getAll(keys).entrySet()) {
      if (!ItemMath.expired(e.getValue(), now)) {
        out.put(e.getKey().pk().substring(storeId.length() + 1), e.getValue());
      }
    }
    return out;
  }

  @Override
  public void pin(String storeId, Collection<Event> events) {
    AttrValue expiresAt = AttrValue.num(clock.instant().plus(ttl).getEpochSecond());
    Map<String, Item> batch = new LinkedHashMap<>();
    for (Event e : events) {
      Map<String, AttrValue> attrs = new HashMap<>();
      attrs.put(ItemStore.EXPIRES_AT, expiresAt);
      attrs.put(STATE, AttrValue.str(PINNED));
      attrs.put("timestamp", AttrValue.num(e.header().timestamp().toEpochMilli()));
      if (e.header().anonymousId() != null) {
        attrs.put("anonymousId", AttrValue.str(e.header().anonymousId()));
      }
      if (e.header().userId() != null) {
        attrs.put("userId", AttrValue.str(e.header().userId()));
      }
      batch.putIfAbsent(e.messageId(), Item.of(key(storeId, e.messageId()), attrs));
    }
    if (!batch.isEmpty()) {
      items.putAll(batch.values());
    }
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
