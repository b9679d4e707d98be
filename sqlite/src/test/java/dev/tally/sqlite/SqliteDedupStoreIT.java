package dev.tally.sqlite;

import dev.tally.core.port.DedupStore;
import dev.tally.core.port.ItemDedupStore;
import dev.tally.testkit.DedupStoreConformance;
import dev.tally.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** Ingest's dedup store on the embedded engine (survives restarts) meets the shared contract. */
class SqliteDedupStoreIT extends DedupStoreConformance {
  private SqliteDatabase db;

  @Override
  protected DedupStore newDedupStore(MutableClock clock, Duration ttl) {
    db = SqliteDatabase.openInMemory(SqliteDatabase.Options.defaults().withClock(clock));
    return new ItemDedupStore(db.table("dedup"), ttl, clock);
  }

  @AfterEach
  void close() {
    db.close();
  }
}
