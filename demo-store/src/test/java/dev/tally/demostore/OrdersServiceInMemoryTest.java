package dev.tally.demostore;

import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.ItemStore;

class OrdersServiceInMemoryTest extends OrdersServiceContract {
  @Override
  protected ItemStore freshStore() {
    return InMemoryItemStore.create();
  }
}
