package dev.tally.core.store;

import dev.tally.core.error.ValidationException;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link StoreRegistry} on any {@link ItemStore} with key-only items (the stores table). Keys are
 * stored only as SHA-256 hashes; lookups are cached briefly, since every request authenticates.
 *
 * <pre>
 * STORE#{storeId}   timezone, currency, allowedOrigins (string set, absent when empty)
 * KEY#{sha256}      hash, storeId, kind (WRITE | READ)
 * </pre>
 *
 * The layout is the one DynamoDB tables created before the item port hold, so they keep working.
 */
public final class ItemStoreRegistry implements StoreRegistry {
  /** How long a key lookup (found or not) is remembered by default. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);

  static final String STORE_PREFIX = "STORE#";
  static final String KEY_PREFIX = "KEY#";
  static final String TIMEZONE = "timezone";
  static final String CURRENCY = "currency";
  static final String ALLOWED_ORIGINS = "allowedOrigins";
  static final String HASH = "hash";
  static final String STORE_ID = "storeId";
  static final String KIND = "kind";
  private static final int MAX_KEY_LENGTH = 200;

  private final ItemStore items;
  private final Clock clock;
  private final Duration cacheTtl;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<Store> store, long expiresAtMillis) {}

  public ItemStoreRegistry(ItemStore items, Clock clock, Duration cacheTtl) {
    this.items = items;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
  }

  /** A registry over {@code items} (a key-only table) with the default 30 s lookup cache. */
  public ItemStoreRegistry(ItemStore items) {
    this(items, Clock.systemUTC(), DEFAULT_CACHE_TTL);
  }

  @Override
  public Optional<Store> findByKey(String key, KeyKind kind) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return Optional.empty();
    }
    String hash = ApiKeys.hash(key);
    String cacheKey = kind + ":" + hash;
    long now = clock.millis();
    Cached c = cache.get(cacheKey);
    if (c != null && c.expiresAtMillis > now) {
      return c.store;
    }
    Optional<Store> store = Optional.empty();
    Optional<Item> item = items.get(keyOnly(KEY_PREFIX + hash));
    if (item.isPresent()
        && kind.name().equals(item.get().str(KIND))
        && item.get().str(HASH) != null
        && ApiKeys.sameHash(hash, item.get().str(HASH))) {
      store = find(item.get().str(STORE_ID));
    }
    if (!cacheTtl.isZero()) {
      cache.put(cacheKey, new Cached(store, now + cacheTtl.toMillis()));
    }
    return store;
  }

  @Override
  public Optional<Store> find(String storeId) {
    if (storeId == null || storeId.isEmpty()) {
      return Optional.empty();
    }
    return items
        .get(keyOnly(STORE_PREFIX + storeId))
        .map(
            i ->
                Store.of(
                    storeId,
                    i.str(TIMEZONE),
                    i.str(CURRENCY),
                    List.copyOf(i.strs(ALLOWED_ORIGINS))));
  }

  @Override
  public void create(Store store, String writeKey, String readKey) {
    if (writeKey == null || readKey == null || writeKey.equals(readKey)) {
      throw new ValidationException("invalid_keys", "a store needs two different keys");
    }
    Map<String, AttrValue> s = new LinkedHashMap<>();
    s.put(TIMEZONE, AttrValue.str(store.timezone().getId()));
    s.put(CURRENCY, AttrValue.str(store.currency().getCurrencyCode()));
    if (!store.allowedOrigins().isEmpty()) {
      s.put(ALLOWED_ORIGINS, AttrValue.strs(new TreeSet<>(store.allowedOrigins())));
    }
    try {
      items.write(
          List.of(
              ItemWrite.put(Item.of(keyOnly(STORE_PREFIX + store.id()), s), Condition.ABSENT),
              ItemWrite.put(keyItem(store.id(), writeKey, KeyKind.WRITE), Condition.ABSENT),
              ItemWrite.put(keyItem(store.id(), readKey, KeyKind.READ), Condition.ABSENT)));
    } catch (ConditionFailedException e) {
      throw new ValidationException("store_exists", "store '" + store.id() + "' already exists");
    }
  }

  private static Item keyItem(String storeId, String key, KeyKind kind) {
    String hash = ApiKeys.hash(key);
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put(HASH, AttrValue.str(hash));
    attrs.put(STORE_ID, AttrValue.str(storeId));
    attrs.put(KIND, AttrValue.str(kind.name()));
    return Item.of(keyOnly(KEY_PREFIX + hash), attrs);
  }

  private static ItemKey keyOnly(String pk) {
    return ItemKey.of(pk, "");
  }
}
