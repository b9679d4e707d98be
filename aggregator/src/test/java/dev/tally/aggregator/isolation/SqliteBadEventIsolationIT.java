package dev.tally.aggregator.isolation;

import dev.tally.aggregator.testing.Engines;
import dev.tally.testkit.EngineTable;

/** Isolation of a bad event on the embedded engine. */
class SqliteBadEventIsolationIT extends BadEventIsolationContract {
  @Override
  protected EngineTable freshTable() {
    return Engines.sqlite();
  }
}
