package dev.tally.sqlite;

import dev.tally.core.item.Item;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemTables;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Predicate;

/**
 * The embedded engine's tables for a rebuild: {@code metrics} and staging tables {@code
 * metrics_rebuild_<time>} in the same database file, so a switch is one SQLite transaction.
 */
public final class SqliteItemTables implements ItemTables {
  static final String LIVE = "metrics";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private final SqliteDatabase db;

  public SqliteItemTables(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public SqliteItemStore live() {
    return db.table(LIVE);
  }

  @Override
  public String newStagingName(Instant now) {
    return LIVE + "_rebuild_" + STAMP.format(now);
  }

  @Override
  public SqliteItemStore staging(String name) {
    return db.table(name);
  }

  @Override
  public List<Item> scan(ItemStore table, String pkPrefix, String sk) {
    return ((SqliteItemStore) table).scan(pkPrefix, sk);
  }

  @Override
  public int switchTo(String staging, String pkPrefix, Predicate<Item> replaced) {
    return live().replaceFrom(db.table(staging), pkPrefix, replaced);
  }

  @Override
  public void drop(String staging) {
    db.table(staging).drop();
  }

  @Override
  public boolean atomicSwitch() {
    return true;
  }
}
