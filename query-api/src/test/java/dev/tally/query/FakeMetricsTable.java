package dev.tally.query;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemWrite;
import java.util.List;
import java.util.Map;

/**
 * The in-memory item store with a count of partition queries, for unit tests of the query logic
 * (how many reads a view costs). The engines are exercised by the ITs.
 */
final class FakeMetricsTable extends ForwardingItemStore {
  volatile int queries;

  FakeMetricsTable() {
    super(InMemoryItemStore.create());
  }

  /** Bytes stored under {@code attr} of the item. */
  void putBytes(String pk, String sk, String attr, byte[] value) {
    delegate.write(
        List.of(ItemWrite.update(ItemKey.of(pk, sk)).set(attr, AttrValue.bin(value)).build()));
  }

  /** The stored item, or null. */
  Item item(String pk, String sk) {
    return delegate.get(ItemKey.of(pk, sk)).orElse(null);
  }

  /** Adds numbers to the item (merging with what it holds, as several products share a bucket). */
  void putNumbers(String pk, String sk, Map<String, Long> numbers) {
    ItemWrite.Update.Builder u = ItemWrite.update(ItemKey.of(pk, sk));
    numbers.forEach(u::add);
    if (!u.isEmpty()) {
      delegate.write(List.of(u.build()));
    }
  }

  @Override
  public synchronized List<Item> query(ItemQuery query) {
    queries++;
    return delegate.query(query);
  }
}
