package dev.tally.testkit;

import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link ItemStore} that records the size of every atomic write call it passes on. */
public final class RecordingItemStore implements ItemStore {
  private final ItemStore inner;
  private final List<Integer> writeSizes = new CopyOnWriteArrayList<>();

  public RecordingItemStore(ItemStore inner) {
    this.inner = inner;
  }

  /** Items per {@link #write} call, in call order. */
  public List<Integer> writeSizes() {
    return List.copyOf(writeSizes);
  }

  @Override
  public int maxWritesPerCall() {
    return inner.maxWritesPerCall();
  }

  @Override
  public Optional<Item> get(ItemKey key) {
    return inner.get(key);
  }

  @Override
  public Map<ItemKey, Item> getAll(Collection<ItemKey> keys) {
    return inner.getAll(keys);
  }

  @Override
  public List<Item> query(ItemQuery query) {
    return inner.query(query);
  }

  @Override
  public void write(List<? extends ItemWrite> writes) {
    inner.write(writes);
    writeSizes.add(writes.size());
  }

  @Override
  public void putAll(Collection<Item> items) {
    inner.putAll(items);
  }
}
