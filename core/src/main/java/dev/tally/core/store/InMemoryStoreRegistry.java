package dev.tally.core.store;

import dev.tally.core.error.ValidationException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory {@link StoreRegistry} for unit tests and the direct in-process mode. */
public final class InMemoryStoreRegistry implements StoreRegistry {
  private final Map<String, Store> stores = new ConcurrentHashMap<>();
  private final Map<String, Map.Entry<String, KeyKind>> keys = new ConcurrentHashMap<>();

  @Override
  public Optional<Store> findByKey(String key, KeyKind kind) {
    if (key == null) {
      return Optional.empty();
    }
    var entry = keys.get(ApiKeys.hash(key));
    if (entry == null || entry.getValue() != kind) {
      return Optional.empty();
    }
    return find(entry.getKey());
  }

  @Override
  public Optional<Store> find(String storeId) {
    return Optional.ofNullable(stores.get(storeId));
  }

  @Override
  public synchronized void create(Store store, String writeKey, String readKey) {
    if (stores.putIfAbsent(store.id(), store) != null) {
      throw new ValidationException("store_exists", "store '" + store.id() + "' already exists");
    }
    keys.put(ApiKeys.hash(writeKey), Map.entry(store.id(), KeyKind.WRITE));
    keys.put(ApiKeys.hash(readKey), Map.entry(store.id(), KeyKind.READ));
  }
}
