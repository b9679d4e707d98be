package dev.tally.testkit.hooks;

import dev.tally.core.error.RetryableException;
import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine's {@link ItemStore} whose next calls fail with {@link RetryableException}, as an
 * outage, throttling or a conflicting transaction does. Without faults set up it only delegates.
 */
public final class FaultyItemStore extends ForwardingItemStore {
  /** When a failing write fails: before it happened, or after it committed (a lost answer). */
  public enum When {
    BEFORE_WRITING,
    AFTER_WRITING
  }

  private final AtomicInteger failingQueries = new AtomicInteger();
  private final AtomicInteger failingWrites = new AtomicInteger();
  private volatile When when = When.BEFORE_WRITING;

  public FaultyItemStore(ItemStore engine) {
    super(engine);
  }

  /** Fails the next {@code n} queries. */
  public FaultyItemStore failQueries(int n) {
    failingQueries.set(n);
    return this;
  }

  /** Fails the next {@code n} writes. */
  public FaultyItemStore failWrites(int n, When when) {
    this.when = when;
    failingWrites.set(n);
    return this;
  }

  /** Faults set up that have not happened yet. */
  public int faultsLeft() {
    return failingQueries.get() + failingWrites.get();
  }

  @Override
  public List<Item> query(ItemQuery query) {
    if (take(failingQueries)) {
      throw outage();
    }
    return delegate.query(query);
  }

  @Override
  public void write(List<? extends ItemWrite> writes) {
    if (take(failingWrites)) {
      if (when == When.AFTER_WRITING) {
        delegate.write(writes);
      }
      throw outage();
    }
    delegate.write(writes);
  }

  private static boolean take(AtomicInteger faults) {
    return faults.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  private static RetryableException outage() {
    return new RetryableException("unavailable", "simulated outage", null);
  }
}
