package dev.tally.hooks;

import dev.tally.core.item.ItemStore;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.testkit.DynaliteFixture;
import java.time.Clock;

/** The contract on the DynamoDB engine (dynalite fixture, a fresh table per test). */
class OutboxRelayDynamoDbIT extends OutboxRelayContract {
  @Override
  protected ItemStore freshStore() {
    DynaliteFixture fixture = DynaliteFixture.shared();
    return DynamoDbItemStore.create(
        fixture.client(), fixture.newTable(DynaliteFixture.Keys.PK_SK), Clock.systemUTC());
  }
}
