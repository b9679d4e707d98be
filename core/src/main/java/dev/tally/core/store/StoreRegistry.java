package dev.tally.core.store;

import java.util.Optional;

/**
 * Port: stores and their hashed keys. Implementations throw {@link
 * dev.tally.core.error.RetryableException} when the backing store is unavailable.
 */
public interface StoreRegistry {

  /** The store a key belongs to, when the key exists and has the given kind. */
  Optional<Store> findByKey(String key, KeyKind kind);

  Optional<Store> find(String storeId);

  /**
   * Creates a store with the given keys (stored hashed only). Throws {@link
   * dev.tally.core.error.ValidationException} with code {@code store_exists} if the id is taken.
   */
  void create(Store store, String writeKey, String readKey);
}
