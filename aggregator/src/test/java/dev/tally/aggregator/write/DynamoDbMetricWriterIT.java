package dev.tally.aggregator.write;

import dev.tally.aggregator.testing.Engines;
import dev.tally.testkit.EngineTable;

/** The writer's contract on the DynamoDB engine (dynalite fixture). */
class DynamoDbMetricWriterIT extends MetricWriterContract {
  @Override
  protected EngineTable freshTable() {
    return Engines.dynamoDb();
  }
}
