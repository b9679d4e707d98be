package dev.tally.demostore;

import dev.tally.hooks.DynamoDbOutbox;
import dev.tally.hooks.HttpEventSender;
import dev.tally.hooks.OutboxConfig;
import dev.tally.hooks.OutboxRelay;
import dev.tally.hooks.TallyEndpoint;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** One-call wiring of the demo store for the host app: tables, catalog, outbox relay. */
public final class DemoStore {
  private DemoStore() {}

  /** Creates the tables if missing and seeds the catalog without touching live stock. */
  public static void setUp(DynamoDbClient dynamo, DemoStoreConfig config) {
    DemoStoreTables.createIfMissing(dynamo, config);
    Catalog.seedIfEmpty(dynamo, config);
  }

  /** Starts a relay that sends the store's order events to Tally; close it on shutdown. */
  public static OutboxRelay startRelay(DynamoDbClient dynamo, DemoStoreConfig config) {
    Clock clock = Clock.systemUTC();
    OutboxRelay relay =
        new OutboxRelay(
            new DynamoDbOutbox(dynamo, config.ordersTable(), clock),
            HttpEventSender.create(TallyEndpoint.of(config.tallyEndpoint(), config.writeKey())),
            OutboxConfig.defaults(config.ordersTable()),
            clock);
    relay.start();
    return relay;
  }
}
