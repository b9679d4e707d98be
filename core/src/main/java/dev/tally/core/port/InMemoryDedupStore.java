package dev.tally.core.port;

import dev.tally.core.event.Event;
import dev.tally.core.item.InMemoryItemStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A {@link DedupStore} in memory, for unit tests and benchmarks: {@link ItemDedupStore} over the
 * in-memory item store, so it behaves exactly as the engines' dedup does.
 */
public final class InMemoryDedupStore implements DedupStore {
  private final ItemDedupStore inner;

  public InMemoryDedupStore(Duration ttl, Clock clock) {
    this.inner = new ItemDedupStore(new InMemoryItemStore(clock), ttl, clock);
  }

  public static InMemoryDedupStore create() {
    return new InMemoryDedupStore(ItemDedupStore.DEFAULT_TTL, Clock.systemUTC());
  }

  @Override
  public Set<String> seen(String storeId, Collection<String> messageIds) {
    return inner.seen(storeId, messageIds);
  }

  @Override
  public Map<String, Pin> pinned(String storeId, Collection<String> messageIds) {
    return inner.pinned(storeId, messageIds);
  }

  @Override
  public void pin(String storeId, Collection<Event> events) {
    inner.pin(storeId, events);
  }

  @Override
  public void remember(String storeId, Collection<String> messageIds) {
    inner.remember(storeId, messageIds);
  }
}
