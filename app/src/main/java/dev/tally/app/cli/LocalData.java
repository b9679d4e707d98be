package dev.tally.app.cli;

import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.StoreRegistry;
import dev.tally.query.MetricsReader;
import dev.tally.sqlite.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The embedded engine's items ({@code DIR/tally.db}) opened by a tool beside a running {@code tally
 * up}: SQLite in WAL mode lets this process read while the stack writes. Nothing is purged from
 * here, and a missing file is not created.
 */
public final class LocalData implements AutoCloseable {
  private final Path dir;
  private final SqliteDatabase db;

  private LocalData(Path dir, SqliteDatabase db) {
    this.dir = dir;
    this.db = db;
  }

  /** The data directory's items, when it has any. */
  public static Optional<LocalData> open(Path dir) {
    Path file = dir.resolve("tally.db");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(
        new LocalData(
            dir,
            SqliteDatabase.open(
                file,
                SqliteDatabase.Options.defaults().withReaders(2).withPurgeEvery(Duration.ZERO))));
  }

  public StoreRegistry stores() {
    return new ItemStoreRegistry(db.table("stores"));
  }

  /** The suppression list (hashed ids) of the stack: replays leave these people out. */
  dev.tally.core.regulation.SuppressionList suppressions() {
    return new dev.tally.core.regulation.ItemSuppressionList(
        db.table("stores"), java.time.Clock.systemUTC());
  }

  public MetricsReader metrics() {
    return new MetricsReader(db.table("metrics"));
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    db.close();
  }
}
