package dev.tally.aggregator.regulation;

import dev.tally.aggregator.testing.Engines;
import dev.tally.core.item.ItemStore;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.EngineTable;
import java.time.Clock;

/** The deletion contract on the DynamoDB engine (dynalite fixture). */
class DynamoDbDeletionIT extends DeletionContract {
  @Override
  protected EngineTable metricsTable() {
    return Engines.dynamoDb();
  }

  @Override
  protected ItemStore keyOnlyTable() {
    DynaliteFixture f = DynaliteFixture.shared();
    return DynamoDbItemStore.keyOnly(
        f.client(), f.newTable(DynaliteFixture.Keys.PK), Clock.systemUTC());
  }
}
