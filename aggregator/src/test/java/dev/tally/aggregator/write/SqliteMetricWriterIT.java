package dev.tally.aggregator.write;

import dev.tally.aggregator.testing.Engines;
import dev.tally.testkit.EngineTable;

/** The writer's contract on the embedded engine (SQLite). */
class SqliteMetricWriterIT extends MetricWriterContract {
  @Override
  protected EngineTable freshTable() {
    return Engines.sqlite();
  }
}
