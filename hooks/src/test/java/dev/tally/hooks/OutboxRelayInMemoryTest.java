package dev.tally.hooks;

import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.ItemStore;

class OutboxRelayInMemoryTest extends OutboxRelayContract {
  @Override
  protected ItemStore freshStore() {
    return InMemoryItemStore.create();
  }
}
