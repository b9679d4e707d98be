package dev.tally.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.testkit.ItemStoreConformance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The same contract on {@link SqliteDatabase#openInMemory()}. */
class SqliteItemStoreInMemoryIT extends ItemStoreConformance {
  private SqliteDatabase db;

  @Override
  protected ItemStore newStore() {
    db = SqliteDatabase.openInMemory();
    return db.table("metrics");
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void inMemoryDatabase_leavesNoFileBehind() {
    store.write(List.of(ItemWrite.update(ItemKey.of("p", "s")).add("n", 1).build()));
    Path file = db.file();
    assertThat(Files.exists(file)).isTrue();
    db.close();
    assertThat(Files.exists(file)).isFalse();
    assertThat(Files.exists(Path.of(file + "-wal"))).isFalse();
  }
}
