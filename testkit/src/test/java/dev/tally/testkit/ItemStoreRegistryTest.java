package dev.tally.testkit;

import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.StoreRegistry;
import java.time.Clock;
import java.time.Duration;

/** The registry over the item port meets the contract on the in-memory fake. */
class ItemStoreRegistryTest extends StoreRegistryConformance {
  private RecordingItemStore items;

  @Override
  protected StoreRegistry newRegistry() {
    items = new RecordingItemStore(InMemoryItemStore.create());
    return new ItemStoreRegistry(items, Clock.systemUTC(), Duration.ofSeconds(30));
  }

  @Override
  protected String storedText() {
    return items.writtenText();
  }
}
