package dev.tally.core.item;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link ItemStore} that passes every call to another: the base of decorators (recording, fault
 * injection, races in tests), which override only the calls they change.
 */
public abstract class ForwardingItemStore implements ItemStore {
  protected final ItemStore delegate;

  protected ForwardingItemStore(ItemStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public int maxWritesPerCall() {
    return delegate.maxWritesPerCall();
  }

  @Override
  public boolean embedded() {
    return delegate.embedded();
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
  }

  @Override
  public void putAll(Collection<Item> items) {
    delegate.putAll(items);
  }
}
