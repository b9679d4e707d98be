package dev.tally.testkit;

import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.port.DedupStore;
import dev.tally.core.port.ItemDedupStore;
import java.time.Duration;

/** The dedup store over the item port meets the contract on the in-memory fake. */
class ItemDedupStoreTest extends DedupStoreConformance {
  @Override
  protected DedupStore newDedupStore(MutableClock clock, Duration ttl) {
    return new ItemDedupStore(new InMemoryItemStore(clock), ttl, clock);
  }
}
