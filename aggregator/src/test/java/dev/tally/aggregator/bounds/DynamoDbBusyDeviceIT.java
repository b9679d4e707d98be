package dev.tally.aggregator.bounds;

import dev.tally.aggregator.testing.Engines;
import dev.tally.testkit.EngineTable;

/**
 * The same on the DynamoDB engine, at the volume the emulator serves in reasonable time (it
 * serializes every request): still past two spill pages of marks.
 */
class DynamoDbBusyDeviceIT extends BusyDeviceContract {
  @Override
  protected EngineTable freshTable() {
    return Engines.dynamoDb();
  }

  @Override
  protected int busyEvents() {
    return 5_000;
  }

  @Override
  protected int others() {
    return 200;
  }
}
