package dev.tally.demostore;

import dev.tally.core.item.ItemStore;
import dev.tally.sqlite.SqliteDatabase;
import org.junit.jupiter.api.AfterEach;

/** The contract on the embedded engine (SQLite, one fresh database per test). */
class OrdersServiceSqliteIT extends OrdersServiceContract {
  private SqliteDatabase db;

  @Override
  protected ItemStore freshStore() {
    db = SqliteDatabase.openInMemory();
    return db.table("shop");
  }

  @AfterEach
  void closeDatabase() {
    if (db != null) {
      db.close();
    }
  }
}
