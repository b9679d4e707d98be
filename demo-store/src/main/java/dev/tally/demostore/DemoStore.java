package dev.tally.demostore;

import dev.tally.core.item.ItemStore;
import dev.tally.hooks.HttpEventSender;
import dev.tally.hooks.Outbox;
import dev.tally.hooks.OutboxConfig;
import dev.tally.hooks.OutboxRelay;
import dev.tally.hooks.TallyEndpoint;
import java.time.Clock;

/**
 * One-call wiring of the demo store for the host app: catalog and outbox relay. The host hands in
 * the {@link ItemStore} that holds products, orders and the outbox; its engine creates the table.
 */
public final class DemoStore {
  private DemoStore() {}

  /**
   * Seeds the catalog without touching live stock.
   *
   * @return how many products were written (0 once seeded)
   */
  public static int setUp(ItemStore store) {
    return Catalog.seedIfEmpty(store);
  }

  /** Starts a relay that sends the store's order events to Tally; close it on shutdown. */
  public static OutboxRelay startRelay(ItemStore store, DemoStoreConfig config) {
    Clock clock = Clock.systemUTC();
    OutboxRelay relay =
        new OutboxRelay(
            new Outbox(store, clock),
            HttpEventSender.create(TallyEndpoint.of(config.tallyEndpoint(), config.writeKey())),
            OutboxConfig.defaults(),
            clock);
    relay.start();
    return relay;
  }
}
