package dev.tally.aggregator.bounds;

import dev.tally.aggregator.testing.Engines;
import dev.tally.testkit.EngineTable;

/** 100,000 events of one device in a day among 1,000 other people, on the embedded engine. */
class SqliteBusyDeviceIT extends BusyDeviceContract {
  @Override
  protected EngineTable freshTable() {
    return Engines.sqlite();
  }

  @Override
  protected int busyEvents() {
    return 100_000;
  }

  @Override
  protected int others() {
    return 1_000;
  }
}
