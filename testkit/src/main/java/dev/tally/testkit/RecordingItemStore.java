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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link ItemStore} that passes every call to another and records what was written: the size of
 * every atomic write, and the text of every write and put, so a test can check what an adapter over
 * the port stored (for example, that no plain key did).
 */
public final class RecordingItemStore implements ItemStore {
  private final ItemStore delegate;
  private final ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();
  private final List<Integer> writeSizes = new CopyOnWriteArrayList<>();

  public RecordingItemStore(ItemStore delegate) {
    this.delegate = delegate;
  }

  /** Every write and put so far, one per line (keys, attribute names and values). */
  public String writtenText() {
    return String.join("\n", written);
  }

  /** Items per {@link #write} call, in call order. */
  public List<Integer> writeSizes() {
    return List.copyOf(writeSizes);
  }

  @Override
  public int maxWritesPerCall() {
    return delegate.maxWritesPerCall();
  }

  @Override
  public Optional<Item> get(ItemKey key) {
    return delegate.get(key);
  }

  @Override
  public Map<ItemKey, Item> getAll(Collection<ItemKey> keys) {
    return delegate.getAll(keys);
  }

  @Override
  public List<Item> query(ItemQuery query) {
    return delegate.query(query);
  }

  @Override
  public void write(List<? extends ItemWrite> writes) {
    delegate.write(writes);
    writeSizes.add(writes.size());
    writes.forEach(w -> written.add(w.toString()));
  }

  @Override
  public void putAll(Collection<Item> items) {
    delegate.putAll(items);
    items.forEach(i -> written.add(i.toString()));
  }
}
