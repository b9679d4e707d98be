package dev.tally.sqlite;

import dev.tally.core.error.RetryableException;
import dev.tally.core.item.ItemStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite database file holding any number of item tables ({@link #table}). WAL journal with
 * {@code synchronous=FULL}, so a commit is on disk when it returns. SQLite allows one writer per
 * file: every write goes through the one writer connection, serialized by a lock, while a small
 * pool of read connections reads beside it (WAL readers see the last commit and never block it).
 */
public final class SqliteDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");

  /** How long a read waits for a pooled connection, and close for reads in flight. */
  private static final long WAIT_MILLIS = ItemStore.TIMEOUT.toMillis();

  /**
   * How a database is opened.
   *
   * @param readers read connections in the pool (reads beyond it wait for one)
   * @param busyTimeout how long a statement waits for a lock held by another process
   * @param purgeEvery how often expired items are deleted in the background; zero: never
   * @param clock decides which items have expired
   */
  public record Options(int readers, Duration busyTimeout, Duration purgeEvery, Clock clock) {
    public Options {
      if (readers < 1) {
        throw new IllegalArgumentException("at least one reader");
      }
      if (busyTimeout.isNegative() || purgeEvery.isNegative()) {
        throw new IllegalArgumentException("durations must not be negative");
      }
    }

    /** Three readers, 5 s busy timeout, a purge each minute, the system clock. */
    public static Options defaults() {
      return new Options(3, Duration.ofSeconds(5), Duration.ofMinutes(1), Clock.systemUTC());
    }

    public Options withClock(Clock c) {
      return new Options(readers, busyTimeout, purgeEvery, c);
    }

    public Options withPurgeEvery(Duration d) {
      return new Options(readers, busyTimeout, d, clock);
    }

    public Options withReaders(int n) {
      return new Options(n, busyTimeout, purgeEvery, clock);
    }
  }

  private final Path file;
  private final boolean temporary;
  private final Options options;
  private final String unavailableCode;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final SqlConnection writer;
  private final BlockingQueue<SqlConnection> readers;
  private final Map<String, SqliteItemStore> tables = new ConcurrentHashMap<>();
  private ScheduledExecutorService purger;
  private volatile boolean closed;

  private SqliteDatabase(Path file, boolean temporary, Options options, String unavailableCode)
      throws SQLException {
    this.file = file;
    this.temporary = temporary;
    this.options = options;
    this.unavailableCode = unavailableCode;
    this.readers = new ArrayBlockingQueue<>(options.readers());
    List<SqlConnection> opened = new ArrayList<>();
    try {
      // The writer opens first: it switches the file to WAL, which the readers then rely on.
      this.writer = connect(false);
      opened.add(writer);
      for (int i = 0; i < options.readers(); i++) {
        SqlConnection r = connect(true);
        opened.add(r);
        readers.add(r);
      }
    } catch (SQLException | RuntimeException e) {
      for (SqlConnection c : opened) {
        closeQuietly(c);
      }
      throw e;
    }
  }

  /** Opens (creating if needed) the database in {@code file}. */
  public static SqliteDatabase open(Path file) {
    return open(file, Options.defaults());
  }

  public static SqliteDatabase open(Path file, Options options) {
    return open(file, false, options, "store_unavailable");
  }

  /**
   * A database that lives until {@link #close()}: a temporary file, deleted on close, so it runs
   * exactly the code a file-backed database runs.
   */
  public static SqliteDatabase openInMemory() {
    return openInMemory(Options.defaults());
  }

  public static SqliteDatabase openInMemory(Options options) {
    try {
      Path file = Files.createTempFile("tally-", ".db");
      return open(file, true, options, "store_unavailable");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary database file", e);
    }
  }

  static SqliteDatabase open(Path file, boolean temporary, Options options, String code) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new SqliteDatabase(file.toAbsolutePath(), temporary, options, code);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the folder of " + file, e);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, code);
    }
  }

  private SqlConnection connect(boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis()));
    if (readOnly) {
      config.setReadOnly(true);
    } else {
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    }
    // The writer stays in auto-commit and issues BEGIN IMMEDIATE itself: the driver's own
    // transactions re-open right after each commit and would pin a snapshot between calls.
    return new SqlConnection(config.createConnection("jdbc:sqlite:" + file));
  }

  /**
   * The item table {@code name}, created if missing. Several tables share this file and its writer;
   * names are letters, digits and underscores, starting with a letter.
   */
  public SqliteItemStore table(String name) {
    if (name == null || !TABLE_NAME.matcher(name).matches() || name.startsWith("sqlite_")) {
      throw new IllegalArgumentException(
          "table name must be 1-63 letters, digits or underscores, starting with a letter: "
              + name);
    }
    return tables.computeIfAbsent(
        name,
        n -> {
          SqliteItemStore store = new SqliteItemStore(this, n, options.clock());
          store.createIfMissing();
          startPurger();
          return store;
        });
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  private synchronized void startPurger() {
    if (purger != null || options.purgeEvery().isZero()) {
      return;
    }
    purger =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tally-sqlite-purge");
              t.setDaemon(true);
              return t;
            });
    long every = options.purgeEvery().toMillis();
    purger.scheduleWithFixedDelay(this::purgeAll, every, every, TimeUnit.MILLISECONDS);
  }

  private void purgeAll() {
    for (SqliteItemStore t : tables.values()) {
      if (closed) {
        return;
      }
      try {
        t.purgeExpired();
      } catch (RuntimeException e) {
        // Expired items stay invisible to reads; the next round tries again.
        LOG.warn("purging expired items of {} failed: {}", t.name(), e.toString());
      }
    }
  }

  /** Runs {@code work} in one write transaction on the writer; rolls back if it throws. */
  <T> T write(SqlWork<T> work) {
    writeLock.lock();
    try {
      ensureOpen();
      writer.exec("BEGIN IMMEDIATE");
      boolean committed = false;
      try {
        T out = work.run(writer);
        writer.exec("COMMIT");
        committed = true;
        return out;
      } finally {
        if (!committed) {
          rollback();
        }
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, unavailableCode);
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs {@code work} on a pooled read connection (auto-commit: each statement a snapshot). */
  <T> T read(SqlWork<T> work) {
    ensureOpen();
    SqlConnection c;
    try {
      c = readers.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(
          unavailableCode, "interrupted while waiting for a read connection", Duration.ZERO);
    }
    if (c == null) {
      ensureOpen();
      throw new RetryableException(
          unavailableCode, "every read connection stayed busy", Duration.ofSeconds(1));
    }
    try {
      ensureOpen();
      return work.run(c);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, unavailableCode);
    } finally {
      readers.add(c);
    }
  }

  private void rollback() {
    try {
      writer.exec("ROLLBACK");
    } catch (SQLException e) {
      // SQLite already rolled back (some errors do so themselves): nothing is left open.
      LOG.debug("rollback: {}", e.toString());
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("database " + file + " is closed");
    }
  }

  /** Closes every connection, after the write in flight; a temporary database is deleted. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (purger != null) {
        purger.shutdownNow();
      }
    }
    writeLock.lock();
    try {
      closeQuietly(writer);
    } finally {
      writeLock.unlock();
    }
    for (int i = 0; i < options.readers(); i++) {
      try {
        SqlConnection r = readers.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (r == null) {
          LOG.warn("a read on {} did not finish in time; closing without it", file);
          break;
        }
        closeQuietly(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (temporary) {
      for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
        try {
          Files.deleteIfExists(Path.of(file + suffix));
        } catch (IOException e) {
          LOG.warn("cannot delete temporary database file {}{}: {}", file, suffix, e.toString());
        }
      }
    }
  }

  private static void closeQuietly(SqlConnection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.warn("closing a connection failed: {}", e.toString());
    }
  }
}
