package dev.tally.aggregator.regulation;

import dev.tally.aggregator.testing.Engines;
import dev.tally.core.item.ItemStore;
import dev.tally.testkit.EngineTable;

/** The deletion contract on the embedded engine. */
class SqliteDeletionIT extends DeletionContract {
  @Override
  protected EngineTable metricsTable() {
    return Engines.sqlite();
  }

  @Override
  protected ItemStore keyOnlyTable() {
    return Engines.sqlite().store();
  }
}
