package dev.tally.dynamodb;

import dev.tally.core.error.RetryableException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.store.KeyKind;
import dev.tally.core.store.Keys;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Stores and their keys in the stores table. Keys are stored only as SHA-256 hashes ({@code
 * KEY#<hash>}); lookups are cached briefly, since every request authenticates.
 */
public final class DynamoDbStoreRegistry implements StoreRegistry {
  private static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private final DynamoDbClient ddb;
  private final String table;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<Store> store, long expiresAtMillis) {}

  public DynamoDbStoreRegistry(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  @Override
  public Optional<Store> findByKey(String key, KeyKind kind) {
    if (key == null || key.isEmpty() || key.length() > 200) {
      return Optional.empty();
    }
    String hash = Keys.hash(key);
    String cacheKey = kind + ":" + hash;
    Cached c = cache.get(cacheKey);
    long now = System.currentTimeMillis();
    if (c != null && c.expiresAtMillis > now) {
      return c.store;
    }
    Map<String, AttributeValue> item = get("KEY#" + hash);
    Optional<Store> store = Optional.empty();
    if (item != null
        && kind.name().equals(str(item, "kind"))
        && Keys.sameHash(hash, str(item, "hash"))) {
      store = find(str(item, "storeId"));
    }
    cache.put(cacheKey, new Cached(store, now + CACHE_TTL.toMillis()));
    return store;
  }

  @Override
  public Optional<Store> find(String storeId) {
    Map<String, AttributeValue> item = get("STORE#" + storeId);
    if (item == null) {
      return Optional.empty();
    }
    List<String> origins =
        item.containsKey("allowedOrigins") ? item.get("allowedOrigins").ss() : List.of();
    return Optional.of(Store.of(storeId, str(item, "timezone"), str(item, "currency"), origins));
  }

  @Override
  public void create(Store store, String writeKey, String readKey) {
    Map<String, AttributeValue> s = new HashMap<>();
    s.put(Attr.PK, s("STORE#" + store.id()));
    s.put("timezone", s(store.timezone().getId()));
    s.put("currency", s(store.currency().getCurrencyCode()));
    if (!store.allowedOrigins().isEmpty()) {
      s.put("allowedOrigins", AttributeValue.fromSs(store.allowedOrigins()));
    }
    try {
      ddb.transactWriteItems(
          b ->
              b.transactItems(
                  put(s),
                  put(keyItem(store.id(), writeKey, KeyKind.WRITE)),
                  put(keyItem(store.id(), readKey, KeyKind.READ))));
    } catch (TransactionCanceledException e) {
      throw new ValidationException("store_exists", "store '" + store.id() + "' already exists");
    } catch (SdkException e) {
      throw new RetryableException(
          "store_registry_unavailable", "stores table unavailable", Duration.ofSeconds(1), e);
    }
  }

  private static Map<String, AttributeValue> keyItem(String storeId, String key, KeyKind kind) {
    String hash = Keys.hash(key);
    return Map.of(
        Attr.PK, s("KEY#" + hash), "hash", s(hash), "storeId", s(storeId), "kind", s(kind.name()));
  }

  private TransactWriteItem put(Map<String, AttributeValue> item) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(item)
                .conditionExpression("attribute_not_exists(pk)")
                .build())
        .build();
  }

  private Map<String, AttributeValue> get(String pk) {
    try {
      var r = ddb.getItem(b -> b.tableName(table).key(Map.of(Attr.PK, s(pk))));
      return r.hasItem() ? r.item() : null;
    } catch (SdkException e) {
      throw new RetryableException(
          "store_registry_unavailable", "stores table unavailable", Duration.ofSeconds(1), e);
    }
  }

  private static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }
}
