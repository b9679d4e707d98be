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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An {@link ItemStore} that lets {@code allowed} write calls through and then throws {@link Crash}
 * on every later one, as if the process died there. Reads always pass.
 */
public final class CrashingItemStore implements ItemStore {
  private final ItemStore inner;
  private final int allowed;
  private final Predicate<List<? extends ItemWrite>> counted;
  private final AtomicInteger calls = new AtomicInteger();

  /** Counts every write and put call. */
  public CrashingItemStore(ItemStore inner, int allowed) {
    this(inner, allowed, w -> true);
  }

  /** Counts only the write calls {@code counted} accepts (puts always count). */
  public CrashingItemStore(
      ItemStore inner, int allowed, Predicate<List<? extends ItemWrite>> counted) {
    this.inner = inner;
    this.allowed = allowed;
    this.counted = counted;
  }

  /** Thrown where the simulated process died. */
  public static final class Crash extends RuntimeException {
    public Crash(String message) {
      super(message);
    }
  }

  /** Write calls attempted so far, the refused ones included. */
  public int calls() {
    return calls.get();
  }

  private void maybeCrash(String what) {
    if (calls.incrementAndGet() > allowed) {
      throw new Crash("injected crash at " + what + " #" + calls.get());
    }
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
    if (counted.test(writes)) {
      maybeCrash("write");
    }
    inner.write(writes);
  }

  @Override
  public void putAll(Collection<Item> items) {
    maybeCrash("putAll");
    inner.putAll(items);
  }
}
