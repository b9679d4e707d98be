package dev.tally.app.stack;

import dev.tally.core.item.ItemStore;
import dev.tally.core.port.EventLog;
import dev.tally.core.port.LogConsumer;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The embedded engine: items in {@code tally.db} and the event log in {@code log.db}, two SQLite
 * files (WAL, fsync on commit) so that ingest's appends never wait on the aggregator's writes. With
 * {@code --in-memory} both live in a temporary directory removed at exit.
 */
final class EmbeddedEngine implements Engine {
  /** Larger commits than DynamoDB allows: fewer fsyncs per event. */
  private static final int ITEMS_PER_TRANSACTION = 5_000;

  private final SqliteDatabase db;
  private final SqliteEventLog log;
  private final ItemStore metrics;
  private final ItemStore stores;
  private final ItemStore dedup;
  private final ItemStore shop;
  private final Path dir;
  private final boolean temporary;

  private EmbeddedEngine(Path dir, boolean temporary) {
    this.dir = dir;
    this.temporary = temporary;
    this.db = SqliteDatabase.open(dir.resolve("tally.db"));
    try {
      this.log = SqliteEventLog.open(dir.resolve("log.db"));
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    this.metrics = db.table("metrics");
    this.stores = db.table("stores");
    this.dedup = db.table("dedup");
    this.shop = db.table("shop");
  }

  static EmbeddedEngine open(StackConfig config) {
    try {
      if (config.inMemory()) {
        return new EmbeddedEngine(Files.createTempDirectory("tally-"), true);
      }
      Files.createDirectories(config.dataDir());
      return new EmbeddedEngine(config.dataDir(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory: " + e.getMessage(), e);
    }
  }

  @Override
  public ItemStore metrics() {
    return metrics;
  }

  @Override
  public ItemStore stores() {
    return stores;
  }

  @Override
  public ItemStore dedup() {
    return dedup;
  }

  @Override
  public ItemStore shop() {
    return shop;
  }

  @Override
  public EventLog log() {
    return log;
  }

  @Override
  public LogConsumer consumer() {
    return log;
  }

  @Override
  public int itemsPerTransaction() {
    return ITEMS_PER_TRANSACTION;
  }

  @Override
  public int recordsPerPoll() {
    return 64;
  }

  @Override
  public boolean healthy() {
    log.backlog();
    metrics.get(dev.tally.core.item.ItemKey.of("health", "check"));
    return true;
  }

  @Override
  public String description() {
    return temporary ? "embedded, in memory" : "embedded, data in " + dir;
  }

  /** The durable log itself, for the raw-event archiver that follows it by position. */
  SqliteEventLog eventLog() {
    return log;
  }

  /** Where the files are (for tests that look at the bytes on disk). */
  Path directory() {
    return dir;
  }

  @Override
  public void close() {
    log.close();
    db.close();
    if (temporary) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: it is a temporary directory
      }
    }
  }
}
