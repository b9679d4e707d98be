package dev.tally.sqlite;

import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.StoreRegistry;
import dev.tally.testkit.StoreRegistryConformance;
import org.junit.jupiter.api.AfterEach;

/** The store registry on the embedded engine meets the same contract as on DynamoDB. */
class SqliteStoreRegistryIT extends StoreRegistryConformance {
  private SqliteDatabase db;
  private SqliteItemStore table;

  @Override
  protected StoreRegistry newRegistry() {
    db = SqliteDatabase.openInMemory();
    table = db.table("stores");
    return new ItemStoreRegistry(table);
  }

  @Override
  protected String storedText() {
    return table.scan().toString();
  }

  @AfterEach
  void close() {
    db.close();
  }
}
