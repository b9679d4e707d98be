package dev.tally.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.error.ValidationException;
import dev.tally.core.store.ApiKeys;
import dev.tally.core.store.KeyKind;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StoreRegistry} contract. Every implementation's test class extends this and gives a
 * fresh, empty registry per test, plus a view of what it stored (to check keys are kept hashed).
 */
public abstract class StoreRegistryConformance {
  protected StoreRegistry registry;

  /** A new registry on empty storage. */
  protected abstract StoreRegistry newRegistry();

  /** Everything the registry has stored so far, as text (keys, attribute names and values). */
  protected abstract String storedText();

  @BeforeEach
  void freshRegistry() {
    registry = newRegistry();
  }

  private static Store store(String id, List<String> origins) {
    return Store.of(id, "Europe/Berlin", "EUR", origins);
  }

  @Test
  void create_thenFind_returnsTheStoreWithItsSettings() {
    registry.create(
        store("shop-1", List.of("https://shop.example", "https://www.shop.example")),
        ApiKeys.generate(KeyKind.WRITE),
        ApiKeys.generate(KeyKind.READ));
    Store got = registry.find("shop-1").orElseThrow();
    assertThat(got.id()).isEqualTo("shop-1");
    assertThat(got.timezone().getId()).isEqualTo("Europe/Berlin");
    assertThat(got.currency().getCurrencyCode()).isEqualTo("EUR");
    assertThat(got.allowedOrigins())
        .containsExactlyInAnyOrder("https://shop.example", "https://www.shop.example");
  }

  @Test
  void storeWithoutOrigins_readsBackWithNone() {
    registry.create(
        store("plain", List.of()), ApiKeys.generate(KeyKind.WRITE), ApiKeys.generate(KeyKind.READ));
    assertThat(registry.find("plain").orElseThrow().allowedOrigins()).isEmpty();
  }

  @Test
  void findByKey_returnsTheStore_forEachKeyWithItsOwnKind() {
    String wk = ApiKeys.generate(KeyKind.WRITE);
    String rk = ApiKeys.generate(KeyKind.READ);
    registry.create(store("shop-1", List.of()), wk, rk);
    assertThat(registry.findByKey(wk, KeyKind.WRITE)).map(Store::id).contains("shop-1");
    assertThat(registry.findByKey(rk, KeyKind.READ)).map(Store::id).contains("shop-1");
  }

  @Test
  void findByKey_withTheWrongKind_findsNothing() {
    String wk = ApiKeys.generate(KeyKind.WRITE);
    String rk = ApiKeys.generate(KeyKind.READ);
    registry.create(store("shop-1", List.of()), wk, rk);
    assertThat(registry.findByKey(wk, KeyKind.READ)).isEmpty();
    assertThat(registry.findByKey(rk, KeyKind.WRITE)).isEmpty();
  }

  @Test
  void unknownMissingOrAbsurdKeys_findNothing() {
    registry.create(
        store("shop-1", List.of()),
        ApiKeys.generate(KeyKind.WRITE),
        ApiKeys.generate(KeyKind.READ));
    assertThat(registry.findByKey(ApiKeys.generate(KeyKind.WRITE), KeyKind.WRITE)).isEmpty();
    assertThat(registry.findByKey(null, KeyKind.WRITE)).isEmpty();
    assertThat(registry.findByKey("", KeyKind.READ)).isEmpty();
    assertThat(registry.findByKey("wk_" + "x".repeat(5000), KeyKind.WRITE)).isEmpty();
    assertThat(registry.find("no-such-store")).isEmpty();
  }

  @Test
  void duplicateCreate_isRefusedWithStoreExists_andKeepsTheFirst() {
    String wk = ApiKeys.generate(KeyKind.WRITE);
    registry.create(store("shop-1", List.of()), wk, ApiKeys.generate(KeyKind.READ));
    String wk2 = ApiKeys.generate(KeyKind.WRITE);
    assertThatThrownBy(
            () ->
                registry.create(
                    Store.of("shop-1", "UTC", "USD", List.of()),
                    wk2,
                    ApiKeys.generate(KeyKind.READ)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.code()).isEqualTo("store_exists"));
    assertThat(registry.find("shop-1").orElseThrow().currency().getCurrencyCode()).isEqualTo("EUR");
    assertThat(registry.findByKey(wk, KeyKind.WRITE)).map(Store::id).contains("shop-1");
    assertThat(registry.findByKey(wk2, KeyKind.WRITE)).isEmpty();
  }

  @Test
  void storesAreIsolated_byTheirKeys() {
    String wk1 = ApiKeys.generate(KeyKind.WRITE);
    String wk2 = ApiKeys.generate(KeyKind.WRITE);
    registry.create(store("shop-1", List.of()), wk1, ApiKeys.generate(KeyKind.READ));
    registry.create(store("shop-2", List.of()), wk2, ApiKeys.generate(KeyKind.READ));
    assertThat(registry.findByKey(wk1, KeyKind.WRITE)).map(Store::id).contains("shop-1");
    assertThat(registry.findByKey(wk2, KeyKind.WRITE)).map(Store::id).contains("shop-2");
  }

  @Test
  void keys_areStoredHashedOnly() {
    String wk = ApiKeys.generate(KeyKind.WRITE);
    String rk = ApiKeys.generate(KeyKind.READ);
    registry.create(store("shop-1", List.of()), wk, rk);
    String stored = storedText();
    assertThat(stored).contains(ApiKeys.hash(wk)).contains(ApiKeys.hash(rk));
    assertThat(stored).doesNotContain(wk).doesNotContain(rk);
    assertThat(stored).doesNotContain(wk.substring(3)).doesNotContain(rk.substring(3));
  }
}
