package dev.tally.testkit;

import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An {@link ItemStore} that lets {@code allowed} write calls through and then throws {@link Crash}
 * on every later one, as if the process died there. Reads always pass.
 */
public final class CrashingItemStore extends ForwardingItemStore {
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
    super(inner);
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
  public void write(List<? extends ItemWrite> writes) {
    if (counted.test(writes)) {
      maybeCrash("write");
    }
    delegate.write(writes);
  }

  @Override
  public void putAll(Collection<Item> items) {
    maybeCrash("putAll");
    delegate.putAll(items);
  }
}
