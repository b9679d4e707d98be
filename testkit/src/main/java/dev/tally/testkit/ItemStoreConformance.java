package dev.tally.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ItemStore} contract. Every engine's test class extends this and gives a fresh, empty
 * table per test; the same scenarios must give the same results everywhere.
 */
public abstract class ItemStoreConformance {
  protected ItemStore store;

  /** A new, empty table. */
  protected abstract ItemStore newStore();

  @BeforeEach
  void freshStore() {
    store = newStore();
  }

  private static ItemKey k(String pk, String sk) {
    return ItemKey.of(pk, sk);
  }

  private static Item item(ItemKey key, Map<String, AttrValue> attrs) {
    return Item.of(key, attrs);
  }

  @Test
  void absentItem_readsAsEmpty() {
    assertThat(store.get(k("s#USER#u", "DAY#2026-01-01"))).isEmpty();
    assertThat(store.getAll(List.of(k("a", "b")))).isEmpty();
    assertThat(store.query(ItemQuery.partition("nothing"))).isEmpty();
  }

  @Test
  void put_thenGet_returnsEveryAttributeType() {
    byte[] bytes = new byte[8 * 1024];
    new Random(1).nextBytes(bytes);
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("n", AttrValue.num(42));
    attrs.put("max", AttrValue.num(Long.MAX_VALUE));
    attrs.put("min", AttrValue.num(Long.MIN_VALUE));
    attrs.put("neg", AttrValue.num(-7));
    attrs.put("s", AttrValue.str("grüße, #|: \"quoted\" 🛒"));
    attrs.put("b", AttrValue.bin(bytes));
    attrs.put("m", AttrValue.marks(Set.of(1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE)));
    attrs.put("ss", AttrValue.strs(Set.of("https://shop.example", "*")));
    ItemKey key = k("store#USER#ü|#x", "DAY#2026-01-01");
    store.write(List.of(ItemWrite.put(item(key, attrs), Condition.NONE)));

    Item got = store.get(key).orElseThrow();
    assertThat(got.key()).isEqualTo(key);
    assertThat(got.attrs()).isEqualTo(attrs);
    assertThat(got.bin("b")).isEqualTo(bytes);
    assertThat(got.marks("m")).containsExactlyInAnyOrder(1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE);
    assertThat(got.strs("ss")).containsExactlyInAnyOrder("https://shop.example", "*");
  }

  @Test
  void update_onAbsentItem_createsIt_andAddsAccumulate() {
    ItemKey key = k("s#STORE#SHARD#0", "DAY#2026-01-01");
    store.write(List.of(ItemWrite.update(key).add("orders", 2).add("revenue", 1999).build()));
    store.write(List.of(ItemWrite.update(key).add("orders", 1).add("revenue", -500).build()));
    Item got = store.get(key).orElseThrow();
    assertThat(got.num("orders")).isEqualTo(3);
    assertThat(got.num("revenue")).isEqualTo(1499);
  }

  @Test
  void update_setsRemovesAndUnionsMarks() {
    ItemKey key = k("p", "s");
    store.write(
        List.of(
            ItemWrite.update(key)
                .set("firstSeen", AttrValue.num(5))
                .set("name", AttrValue.str("a"))
                .addMarks("seen", List.of(1L, 2L))
                .build()));
    store.write(
        List.of(
            ItemWrite.update(key)
                .set("firstSeen", AttrValue.num(3))
                .remove("name")
                .addMarks("seen", List.of(2L, 3L))
                .build()));
    Item got = store.get(key).orElseThrow();
    assertThat(got.num("firstSeen")).isEqualTo(3);
    assertThat(got.has("name")).isFalse();
    assertThat(got.marks("seen")).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  @Test
  void putIfAbsent_refusesSecondPut_andReportsCurrentItem() {
    ItemKey key = k("s#ALIAS#a1", "LINK");
    store.write(
        List.of(ItemWrite.put(item(key, Map.of("userId", AttrValue.str("u1"))), Condition.ABSENT)));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.put(
                            item(key, Map.of("userId", AttrValue.str("u2"))), Condition.ABSENT))))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.failed()).containsExactly(0);
              assertThat(e.current(0).orElseThrow().str("userId")).isEqualTo("u1");
            });
    assertThat(store.get(key).orElseThrow().str("userId")).isEqualTo("u1");
  }

  @Test
  void versionGuard_acceptsExpectedVersion_refusesStaleOne() {
    ItemKey key = k("s#USER#u", "DAY#2026-01-01");
    store.write(
        List.of(
            ItemWrite.update(key).add("ver", 1).when(Condition.versionIs("ver", null)).build()));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(key)
                            .add("ver", 1)
                            .when(Condition.versionIs("ver", null))
                            .build())))
        .isInstanceOf(ConditionFailedException.class);
    store.write(
        List.of(ItemWrite.update(key).add("ver", 1).when(Condition.versionIs("ver", 1L)).build()));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(key)
                            .add("ver", 1)
                            .when(Condition.versionIs("ver", 1L))
                            .build())))
        .isInstanceOf(ConditionFailedException.class);
    assertThat(store.get(key).orElseThrow().num("ver")).isEqualTo(2);
  }

  @Test
  void versionGuardOnMissingVersion_holdsForItemWithoutIt() {
    ItemKey key = k("p", "s");
    store.write(List.of(ItemWrite.update(key).add("views", 1).build()));
    store.write(
        List.of(
            ItemWrite.update(key).add("ver", 1).when(Condition.versionIs("ver", null)).build()));
    assertThat(store.get(key).orElseThrow().numbers())
        .containsEntry("views", 1L)
        .containsEntry("ver", 1L);
  }

  @Test
  void failedCondition_writesNothing_andNamesTheFailingIndex() {
    ItemKey a = k("p", "a");
    ItemKey b = k("p", "b");
    ItemKey c = k("p", "c");
    store.write(List.of(ItemWrite.update(c).add("ver", 5).build()));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(a).add("x", 1).build(),
                        ItemWrite.put(item(b, Map.of("y", AttrValue.num(1))), Condition.ABSENT),
                        ItemWrite.update(c)
                            .add("ver", 1)
                            .when(Condition.versionIs("ver", 4L))
                            .build())))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.failed()).containsExactly(2);
              assertThat(e.current(2).orElseThrow().num("ver")).isEqualTo(5);
            });
    assertThat(store.get(a)).isEmpty();
    assertThat(store.get(b)).isEmpty();
    assertThat(store.get(c).orElseThrow().num("ver")).isEqualTo(5);
  }

  @Test
  void atLeast_guardsAStockDecrement() {
    ItemKey key = k("PRODUCT#p1", "STOCK");
    store.write(List.of(ItemWrite.update(key).add("stock", 5).build()));
    store.write(
        List.of(
            ItemWrite.update(key).add("stock", -3).when(Condition.atLeast("stock", 3)).build()));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(key)
                            .add("stock", -3)
                            .when(Condition.atLeast("stock", 3))
                            .build())))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> assertThat(e.current(0).orElseThrow().num("stock")).isEqualTo(2));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(k("PRODUCT#none", "STOCK"))
                            .add("stock", -1)
                            .when(Condition.atLeast("stock", 1))
                            .build())))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.current(0)).isEmpty());
    assertThat(store.get(k("PRODUCT#none", "STOCK"))).isEmpty();
  }

  @Test
  void delete_removesItem_andExistsGuardRefusesAbsentOne() {
    ItemKey key = k("OUTBOX", "2026#o1");
    store.write(List.of(ItemWrite.put(item(key, Map.of("p", AttrValue.str("x"))), Condition.NONE)));
    store.write(List.of(ItemWrite.delete(key, Condition.EXISTS)));
    assertThat(store.get(key)).isEmpty();
    assertThatThrownBy(() -> store.write(List.of(ItemWrite.delete(key, Condition.EXISTS))))
        .isInstanceOf(ConditionFailedException.class);
    store.write(List.of(ItemWrite.delete(key, Condition.NONE)));
  }

  @Test
  void getAll_readsMoreThanOneHundredKeys() {
    List<ItemKey> keys = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      ItemKey key = k("s#USER#u" + i, "DAY#2026-01-01");
      keys.add(key);
      if (i % 3 != 0) {
        store.write(List.of(ItemWrite.update(key).add("events", i).build()));
      }
    }
    Map<ItemKey, Item> got = store.getAll(keys);
    assertThat(got).hasSize(166);
    for (int i = 0; i < 250; i++) {
      if (i % 3 != 0) {
        assertThat(got.get(keys.get(i)).num("events")).isEqualTo(i);
      } else {
        assertThat(got).doesNotContainKey(keys.get(i));
      }
    }
  }

  @Test
  void query_returnsRangeInSortKeyOrder_withoutNeighbourPartitions() {
    for (int d = 1; d <= 9; d++) {
      store.write(
          List.of(ItemWrite.update(k("s#USER#u", "DAY#2026-01-0" + d)).add("events", d).build()));
    }
    store.write(
        List.of(ItemWrite.update(k("s#USER#u2", "DAY#2026-01-03")).add("events", 1).build()));
    store.write(List.of(ItemWrite.update(k("s#USER", "DAY#2026-01-03")).add("events", 1).build()));

    List<Item> range =
        store.query(ItemQuery.between("s#USER#u", "DAY#2026-01-03", "DAY#2026-01-05"));
    assertThat(range)
        .extracting(i -> i.key().sk())
        .containsExactly("DAY#2026-01-03", "DAY#2026-01-04", "DAY#2026-01-05");
    assertThat(store.query(ItemQuery.partition("s#USER#u"))).hasSize(9);
    assertThat(store.query(ItemQuery.partition("s#USER#u").limit(2)))
        .extracting(i -> i.key().sk())
        .containsExactly("DAY#2026-01-01", "DAY#2026-01-02");
  }

  @Test
  void query_pagesThroughLargePartitions() {
    byte[] big = new byte[8 * 1024];
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      items.add(
          item(
              k("s#SKETCH#view", String.format("DAY#%04d", i)), Map.of("hll", AttrValue.bin(big))));
    }
    store.putAll(items);
    List<Item> all = store.query(ItemQuery.partition("s#SKETCH#view"));
    assertThat(all).hasSize(300);
    assertThat(all.get(299).key().sk()).isEqualTo("DAY#0299");
  }

  @Test
  void expiredItems_areNeverReturned() {
    long now = Instant.now().getEpochSecond();
    ItemKey old = k("s#DEDUP", "m1");
    ItemKey live = k("s#DEDUP", "m2");
    store.putAll(
        List.of(
            item(old, Map.of(ItemStore.EXPIRES_AT, AttrValue.num(now - 60))),
            item(live, Map.of(ItemStore.EXPIRES_AT, AttrValue.num(now + 3600)))));
    assertThat(store.get(old)).isEmpty();
    assertThat(store.get(live)).isPresent();
    assertThat(store.getAll(List.of(old, live))).containsOnlyKeys(live);
    assertThat(store.query(ItemQuery.partition("s#DEDUP")))
        .extracting(Item::key)
        .containsExactly(live);
  }

  @Test
  void expiredItem_countsAsAbsentForConditions() {
    long now = Instant.now().getEpochSecond();
    ItemKey key = k("s#DEDUP", "m1");
    store.putAll(List.of(item(key, Map.of(ItemStore.EXPIRES_AT, AttrValue.num(now - 60)))));
    store.write(
        List.of(
            ItemWrite.put(
                item(key, Map.of(ItemStore.EXPIRES_AT, AttrValue.num(now + 60))),
                Condition.ABSENT)));
    assertThat(store.get(key)).isPresent();
  }

  @Test
  void expiredItem_isUpdatedAsIfAbsent_alone_andInAGroup() {
    long now = Instant.now().getEpochSecond();
    ItemKey a = k("s#USER#a", "DAY#2026-01-01");
    ItemKey b = k("s#USER#b", "DAY#2026-01-01");
    Map<String, AttrValue> old =
        Map.of(
            ItemStore.EXPIRES_AT,
            AttrValue.num(now - 60),
            "n",
            AttrValue.num(5),
            "name",
            AttrValue.str("old"));
    store.putAll(List.of(item(a, old), item(b, old)));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(ItemWrite.update(a).add("n", 1).when(Condition.EXISTS).build())))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.current(0)).isEmpty());
    store.write(List.of(ItemWrite.update(a).add("n", 1).build()));
    store.write(
        List.of(
            ItemWrite.update(b).add("n", 2).when(Condition.ABSENT).build(),
            ItemWrite.update(k("s#USER#c", "DAY#2026-01-01")).add("n", 3).build()));
    assertThat(store.get(a).orElseThrow().attrs()).isEqualTo(Map.of("n", AttrValue.num(1)));
    assertThat(store.get(b).orElseThrow().attrs()).isEqualTo(Map.of("n", AttrValue.num(2)));
  }

  @Test
  void invalidCalls_areRefusedBeforeWriting() {
    ItemKey key = k("p", "s");
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(key).add("a", 1).build(),
                        ItemWrite.update(key).add("b", 1).build())))
        .isInstanceOf(IllegalArgumentException.class);
    List<ItemWrite> tooMany = new ArrayList<>();
    for (int i = 0; i <= store.maxWritesPerCall(); i++) {
      tooMany.add(ItemWrite.update(k("p", "s" + i)).add("a", 1).build());
    }
    assertThatThrownBy(() -> store.write(tooMany)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.get(key)).isEmpty();
    assertThat(store.get(k("p", "s0"))).isEmpty();
  }

  @Test
  void oneHundredWrites_commitTogether() {
    List<ItemWrite> writes = new ArrayList<>();
    for (int i = 0; i < Math.min(100, store.maxWritesPerCall()); i++) {
      writes.add(ItemWrite.update(k("p" + (i % 7), "s" + i)).add("a", i).build());
    }
    store.write(writes);
    Set<ItemKey> keys = new HashSet<>();
    writes.forEach(w -> keys.add(w.key()));
    assertThat(store.getAll(keys)).hasSize(writes.size());
  }

  @Test
  void concurrentGuardedIncrements_loseNothing() throws Exception {
    ItemKey key = k("s#SKETCH#view", "DAY#2026-01-01");
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 25; i++) {
                  while (true) {
                    Long v = store.get(key).map(it -> it.numOrNull("ver")).orElse(null);
                    try {
                      store.write(
                          List.of(
                              ItemWrite.update(key)
                                  .add("ver", 1)
                                  .add("total", 1)
                                  .when(Condition.versionIs("ver", v))
                                  .build()));
                      done.incrementAndGet();
                      break;
                    } catch (ConditionFailedException conflict) {
                      // someone else won; read again
                    } catch (dev.tally.core.error.RetryableException busy) {
                      // engine-level conflict; read again
                    }
                  }
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    Item got = store.get(key).orElseThrow();
    assertThat(done.get()).isEqualTo(100);
    assertThat(got.num("total")).isEqualTo(100);
    assertThat(got.num("ver")).isEqualTo(100);
  }

  @Test
  void putAll_writesManyItems_lastPutOfAKeyWins() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      items.add(item(k("s#DEDUP#" + i, "m"), Map.of("n", AttrValue.num(i))));
    }
    items.add(item(k("s#DEDUP#59", "m"), Map.of("n", AttrValue.num(590))));
    store.putAll(items);
    assertThat(store.getAll(items.stream().map(Item::key).toList())).hasSize(60);
    assertThat(store.get(k("s#DEDUP#59", "m")).orElseThrow().num("n")).isEqualTo(590);
  }
}
