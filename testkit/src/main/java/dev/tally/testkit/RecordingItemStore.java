package dev.tally.testkit;

import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link ItemStore} that passes every call to another and records what was written: the keys of
 * every atomic write, and the text of every write and put, so a test can check what an adapter over
 * the port stored (for example, that no plain key did).
 */
public final class RecordingItemStore extends ForwardingItemStore {
  private final ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();
  private final List<List<ItemKey>> writeKeys = new CopyOnWriteArrayList<>();

  public RecordingItemStore(ItemStore delegate) {
    super(delegate);
  }

  /** Every write and put so far, one per line (keys, attribute names and values). */
  public String writtenText() {
    return String.join("\n", written);
  }

  /** The keys of each {@link #write} call, in call order. */
  public List<List<ItemKey>> writeKeys() {
    return List.copyOf(writeKeys);
  }

  @Override
  public void write(List<? extends ItemWrite> writes) {
    delegate.write(writes);
    writeKeys.add(writes.stream().map(ItemWrite::key).toList());
    writes.forEach(w -> written.add(w.toString()));
  }

  @Override
  public void putAll(Collection<Item> items) {
    delegate.putAll(items);
    items.forEach(i -> written.add(i.toString()));
  }
}
