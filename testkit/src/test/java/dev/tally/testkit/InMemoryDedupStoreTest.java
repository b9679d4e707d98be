package dev.tally.testkit;

import dev.tally.core.port.DedupStore;
import dev.tally.core.port.InMemoryDedupStore;
import java.time.Duration;

/** The local server's bounded in-memory dedup store meets the same contract. */
class InMemoryDedupStoreTest extends DedupStoreConformance {
  @Override
  protected DedupStore newDedupStore(MutableClock clock, Duration ttl) {
    return new InMemoryDedupStore(ttl, clock);
  }
}
