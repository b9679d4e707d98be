package dev.tally.testkit;

import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.ItemStore;

/** The in-memory fake meets the same contract as the engines. */
class InMemoryItemStoreTest extends ItemStoreConformance {
  @Override
  protected ItemStore newStore() {
    return InMemoryItemStore.create();
  }
}
