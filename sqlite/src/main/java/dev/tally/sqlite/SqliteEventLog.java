package dev.tally.sqlite;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.log.GroupCommit;
import dev.tally.core.port.EventLog;
import dev.tally.core.port.LogConsumer;
import dev.tally.core.port.LogRecord;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable local log, both sides, in its own SQLite file (so that appends never wait for the
 * metrics' writer). {@code append} returns once its events are committed with fsync; concurrent
 * appends share commits ({@link GroupCommit}). Each row is one {@link LogEntry} (many events) with
 * an {@code acked} flag. Acknowledged rows stay for a retention period, so the log doubles as the
 * local raw-event archive ({@link #readFrom}).
 *
 * <p>Delivery: {@code poll} hands out unacknowledged rows oldest first, each once per process
 * unless it stays unacknowledged for {@link Config#redeliverAfter()}; after a restart every
 * unacknowledged row is delivered again.
 */
public final class SqliteEventLog implements EventLog, LogConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteEventLog.class);

  /**
   * The largest entry {@code append} makes (one event larger than this gets an entry of its own).
   */
  public static final int MAX_ENTRY_BYTES = 256 * 1024;

  /** How full entries are planned to be, leaving room for events larger than the average. */
  private static final double ENTRY_FILL = 0.8;

  /** One round carries at most this many events, bounding a waiting caller's delay. */
  private static final int MAX_EVENTS_PER_ROUND = 10_000;

  private static final int RETENTION_BATCH = 5_000;

  /** Pollers re-check at least this often, so appends by another process are seen too. */
  private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final String COLUMNS = "position, entry_id, appended_at, body";
  private static final String INSERT =
      "INSERT INTO log (entry_id, store, appended_at, body, acked) VALUES (?, ?, ?, ?, 0)";
  private static final String SELECT_NEW =
      "SELECT " + COLUMNS + " FROM log WHERE acked = 0 AND position > ? ORDER BY position LIMIT ?";
  private static final String SELECT_UNACKED =
      "SELECT " + COLUMNS + " FROM log WHERE position = ? AND acked = 0";
  private static final String SELECT_FROM =
      "SELECT " + COLUMNS + " FROM log WHERE position >= ? ORDER BY position LIMIT ?";
  private static final String ACK = "UPDATE log SET acked = 1 WHERE position = ?";
  private static final String TO_DEAD_LETTERS =
      "INSERT OR IGNORE INTO dead_letters"
          + " (position, entry_id, store, appended_at, body, reason, failed_at)"
          + " SELECT position, entry_id, store, appended_at, body, ?, ? FROM log WHERE position = ?";
  private static final String DELETE_ONE = "DELETE FROM log WHERE position = ?";
  private static final String BACKLOG = "SELECT count(*) FROM log WHERE acked = 0";
  private static final String RETAIN =
      "DELETE FROM log WHERE position IN (SELECT position FROM log"
          + " WHERE acked = 1 AND appended_at < ? AND position <= ? ORDER BY position LIMIT "
          + RETENTION_BATCH
          + ")";
  private static final String SELECT_DEAD =
      "SELECT position, entry_id, appended_at, body, reason, failed_at FROM dead_letters"
          + " WHERE position >= ? ORDER BY position LIMIT ?";

  /**
   * How the log behaves.
   *
   * @param retention how long acknowledged rows stay readable; zero keeps them forever
   * @param redeliverAfter a polled row still unacknowledged after this is delivered again; zero:
   *     only after a restart
   * @param clock stamps rows and decides retention and redelivery
   */
  public record Config(Duration retention, Duration redeliverAfter, Clock clock) {
    public Config {
      if (retention.isNegative() || redeliverAfter.isNegative()) {
        throw new IllegalArgumentException("durations must not be negative");
      }
    }

    /** Seven days' retention, redelivery after five minutes, the system clock. */
    public static Config defaults() {
      return new Config(Duration.ofDays(7), Duration.ofMinutes(5), Clock.systemUTC());
    }

    public Config withRetention(Duration d) {
      return new Config(d, redeliverAfter, clock);
    }

    public Config withRedeliverAfter(Duration d) {
      return new Config(retention, d, clock);
    }

    public Config withClock(Clock c) {
      return new Config(retention, redeliverAfter, c);
    }
  }

  /** A record moved aside by {@link #deadLetter}, with why and when. */
  public record DeadLetter(LogRecord record, String reason, Instant failedAt) {}

  private final SqliteDatabase db;
  private final Config config;
  private final GroupCommit commits = new GroupCommit(this::publish, MAX_EVENTS_PER_ROUND);

  /** Guards the delivery state below; pollers in this process share it. */
  private final ReentrantLock delivery = new ReentrantLock();

  /** The highest position handed out by this process. */
  private long cursor;

  /** Positions handed out and not yet acknowledged, with when they are due again (millis). */
  private final TreeMap<Long, Long> inFlight = new TreeMap<>();

  /** Bumped after each append commit; pollers wait on it. */
  private final Object appended = new Object();

  private long appendCount;

  /** Encoded bytes per event, a running average that sizes the next entries ({@link #pack}). */
  private double bytesPerEvent = 1024;

  private volatile long nextRetentionMillis;
  private volatile LongSupplier keepAfter = () -> Long.MAX_VALUE;
  private volatile boolean closed;

  private SqliteEventLog(SqliteDatabase db, Config config) {
    this.db = db;
    this.config = config;
  }

  /** Opens (creating if needed) the log in {@code file}, with {@link Config#defaults()}. */
  public static SqliteEventLog open(Path file) {
    return open(file, Config.defaults());
  }

  public static SqliteEventLog open(Path file, Config config) {
    SqliteDatabase db =
        SqliteDatabase.open(
            file,
            false,
            SqliteDatabase.Options.defaults()
                .withReaders(2)
                .withPurgeEvery(Duration.ZERO)
                .withClock(config.clock()),
            "log_unavailable");
    try {
      db.write(
          c -> {
            // AUTOINCREMENT: positions are never reused, even after retention empties the table.
            c.exec(
                "CREATE TABLE IF NOT EXISTS log (position INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " entry_id TEXT NOT NULL, store TEXT NOT NULL, appended_at INTEGER NOT NULL,"
                    + " body BLOB NOT NULL, acked INTEGER NOT NULL DEFAULT 0)");
            c.exec("CREATE INDEX IF NOT EXISTS log_unacked ON log (position) WHERE acked = 0");
            c.exec(
                "CREATE INDEX IF NOT EXISTS log_acked_time ON log (appended_at) WHERE acked = 1");
            c.exec(
                "CREATE TABLE IF NOT EXISTS dead_letters (position INTEGER PRIMARY KEY,"
                    + " entry_id TEXT NOT NULL, store TEXT NOT NULL, appended_at INTEGER NOT NULL,"
                    + " body BLOB NOT NULL, reason TEXT NOT NULL, failed_at INTEGER NOT NULL)");
            return null;
          });
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return new SqliteEventLog(db, config);
  }

  /** The log's file. */
  public Path file() {
    return db.file();
  }

  @Override
  public void append(String storeId, List<Event> events) {
    // Checked here, not in the round: one caller's bad input must not fail the others' events.
    if (storeId == null || storeId.isBlank()) {
      throw new IllegalArgumentException("storeId is required");
    }
    for (Event e : events) {
      if (e == null) {
        throw new IllegalArgumentException("events must not contain null");
      }
    }
    if (events.isEmpty()) {
      return;
    }
    commits.append(storeId, events);
  }

  /** One group-commit round: every entry in one transaction, so one fsync for all its callers. */
  private void publish(Map<String, List<Event>> byStore) {
    List<LogEntry> entries = new ArrayList<>();
    List<byte[]> bodies = new ArrayList<>();
    byStore.forEach((storeId, events) -> pack(storeId, events, entries, bodies));
    long now = config.clock().millis();
    db.write(
        c -> {
          PreparedStatement ps = c.prepare(INSERT);
          for (int i = 0; i < entries.size(); i++) {
            ps.setString(1, entries.get(i).id());
            ps.setString(2, entries.get(i).storeId());
            ps.setLong(3, now);
            ps.setBytes(4, bodies.get(i));
            ps.addBatch();
          }
          ps.executeBatch();
          return null;
        });
    synchronized (appended) {
      appendCount++;
      appended.notifyAll();
    }
  }

  /**
   * Cuts a store's events into entries of at most {@link #MAX_ENTRY_BYTES}, encoding each event
   * once: entries are sized from the bytes per event seen so far, and an entry that comes out too
   * large is split in two and encoded again (an event larger than the limit gets an entry of its
   * own). Only the publishing thread calls this ({@link GroupCommit} rounds are serial).
   */
  private void pack(String storeId, List<Event> events, List<LogEntry> entries, List<byte[]> out) {
    int perEntry = (int) Math.max(1, ENTRY_FILL * MAX_ENTRY_BYTES / bytesPerEvent);
    for (int from = 0; from < events.size(); from += perEntry) {
      encode(storeId, events.subList(from, Math.min(events.size(), from + perEntry)), entries, out);
    }
  }

  private void encode(
      String storeId, List<Event> events, List<LogEntry> entries, List<byte[]> out) {
    LogEntry entry = new LogEntry(UUID.randomUUID().toString(), storeId, events);
    byte[] body = EventCodec.encode(entry);
    bytesPerEvent = 0.8 * bytesPerEvent + 0.2 * ((double) body.length / events.size());
    if (body.length > MAX_ENTRY_BYTES && events.size() > 1) {
      int half = events.size() / 2;
      encode(storeId, events.subList(0, half), entries, out);
      encode(storeId, events.subList(half, events.size()), entries, out);
      return;
    }
    entries.add(entry);
    out.add(body);
  }

  @Override
  public List<LogRecord> poll(int max, Duration wait) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1");
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (!closed) {
      long seen;
      synchronized (appended) {
        seen = appendCount;
      }
      List<LogRecord> out = take(max);
      long left = deadline - System.nanoTime();
      if (!out.isEmpty() || left <= 0) {
        return out;
      }
      synchronized (appended) {
        if (appendCount == seen) {
          try {
            TimeUnit.NANOSECONDS.timedWait(appended, Math.min(left, POLL_SLICE_NANOS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
          }
        }
      }
    }
    return List.of();
  }

  /** Records due again first (they are the oldest), then new ones past the cursor. */
  private List<LogRecord> take(int max) {
    delivery.lock();
    try {
      long now = config.clock().millis();
      List<Long> due = new ArrayList<>();
      for (Map.Entry<Long, Long> e : inFlight.entrySet()) {
        if (due.size() >= max) {
          break;
        }
        if (!config.redeliverAfter().isZero() && e.getValue() <= now) {
          due.add(e.getKey());
        }
      }
      List<LogRecord> out =
          db.read(
              c -> {
                List<LogRecord> got = new ArrayList<>();
                for (long position : due) {
                  PreparedStatement ps = c.prepare(SELECT_UNACKED);
                  ps.setLong(1, position);
                  readRecords(ps, got);
                }
                if (got.size() < max) {
                  PreparedStatement ps = c.prepare(SELECT_NEW);
                  ps.setLong(1, cursor);
                  ps.setInt(2, max - got.size());
                  readRecords(ps, got);
                }
                return got;
              });
      due.forEach(inFlight::remove);
      long dueAgain = now + config.redeliverAfter().toMillis();
      for (LogRecord r : out) {
        inFlight.put(r.position(), dueAgain);
        cursor = Math.max(cursor, r.position());
      }
      return out;
    } finally {
      delivery.unlock();
    }
  }

  private static void readRecords(PreparedStatement ps, List<LogRecord> into) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        into.add(record(rs));
      }
    }
  }

  private static LogRecord record(ResultSet rs) throws SQLException {
    return new LogRecord(
        rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getBytes(4));
  }

  @Override
  public void ack(List<LogRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    db.write(
        c -> {
          PreparedStatement ps = c.prepare(ACK);
          for (LogRecord r : records) {
            ps.setLong(1, r.position());
            ps.addBatch();
          }
          ps.executeBatch();
          return null;
        });
    forget(records.stream().map(LogRecord::position).toList());
    retainIfDue();
  }

  @Override
  public void deadLetter(LogRecord record, String reason) {
    long now = config.clock().millis();
    db.write(
        c -> {
          PreparedStatement move = c.prepare(TO_DEAD_LETTERS);
          move.setString(1, reason == null ? "" : reason);
          move.setLong(2, now);
          move.setLong(3, record.position());
          move.executeUpdate();
          PreparedStatement del = c.prepare(DELETE_ONE);
          del.setLong(1, record.position());
          del.executeUpdate();
          return null;
        });
    forget(List.of(record.position()));
  }

  private void forget(List<Long> positions) {
    delivery.lock();
    try {
      positions.forEach(inFlight::remove);
    } finally {
      delivery.unlock();
    }
  }

  @Override
  public long backlog() {
    return db.read(
        c -> {
          try (ResultSet rs = c.prepare(BACKLOG).executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /**
   * Up to {@code max} retained records (acknowledged or not) from {@code position} on, in position
   * order: the local archive of raw events. Read-only; delivery is not affected.
   */
  public List<LogRecord> readFrom(long position, int max) {
    return db.read(
        c -> {
          PreparedStatement ps = c.prepare(SELECT_FROM);
          ps.setLong(1, position);
          ps.setInt(2, max);
          List<LogRecord> out = new ArrayList<>();
          readRecords(ps, out);
          return out;
        });
  }

  /**
   * Rewrites the retained records and dead letters of {@code store}, page by page: {@code rewrite}
   * returns a new body, the same array to leave the record as it is, or null to delete it. Used to
   * remove a person's events (a regulation). Safe while the log runs: a record being delivered
   * keeps the body it was read with (its events are dropped by the aggregator's suppression check),
   * and an acknowledgement of a deleted record changes nothing. Returns how many records changed.
   */
  public int rewrite(String store, java.util.function.Function<LogRecord, byte[]> rewrite) {
    int changed = 0;
    for (String table : List.of("log", "dead_letters")) {
      long from = 0;
      while (true) {
        long start = from;
        List<LogRecord> page =
            db.read(
                c -> {
                  PreparedStatement ps =
                      c.prepare(
                          "SELECT position, entry_id, appended_at, body FROM "
                              + table
                              + " WHERE position >= ? AND store = ? ORDER BY position LIMIT 500");
                  ps.setLong(1, start);
                  ps.setString(2, store);
                  List<LogRecord> out = new ArrayList<>();
                  readRecords(ps, out);
                  return out;
                });
        if (page.isEmpty()) {
          break;
        }
        Map<Long, byte[]> updates = new java.util.LinkedHashMap<>();
        for (LogRecord r : page) {
          byte[] next = rewrite.apply(r);
          if (next != r.body()) {
            updates.put(r.position(), next);
          }
        }
        if (!updates.isEmpty()) {
          db.write(
              c -> {
                PreparedStatement up =
                    c.prepare("UPDATE " + table + " SET body = ? WHERE position = ?");
                PreparedStatement del = c.prepare("DELETE FROM " + table + " WHERE position = ?");
                for (var u : updates.entrySet()) {
                  if (u.getValue() == null) {
                    del.setLong(1, u.getKey());
                    del.executeUpdate();
                  } else {
                    up.setBytes(1, u.getValue());
                    up.setLong(2, u.getKey());
                    up.executeUpdate();
                  }
                }
                return null;
              });
          changed += updates.size();
        }
        from = page.get(page.size() - 1).position() + 1;
      }
    }
    return changed;
  }

  /** Up to {@code max} dead letters from {@code position} on, in position order. */
  public List<DeadLetter> deadLetters(long position, int max) {
    return db.read(
        c -> {
          PreparedStatement ps = c.prepare(SELECT_DEAD);
          ps.setLong(1, position);
          ps.setInt(2, max);
          List<DeadLetter> out = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new DeadLetter(record(rs), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
            }
          }
          return out;
        });
  }

  /**
   * Keeps every record after the position {@code lastArchived} returns, whatever its age, so that a
   * reader following the log (the local archiver) never misses one to retention.
   */
  public void holdRetentionAfter(LongSupplier lastArchived) {
    this.keepAfter = lastArchived;
  }

  /**
   * Deletes acknowledged records appended before the retention period; unacknowledged ones stay
   * whatever their age. Runs by itself at most once a minute on {@link #ack}. Returns the count.
   */
  public int applyRetention() {
    if (config.retention().isZero()) {
      return 0;
    }
    long cutoff = config.clock().millis() - config.retention().toMillis();
    int total = 0;
    while (true) {
      int n =
          db.write(
              c -> {
                PreparedStatement ps = c.prepare(RETAIN);
                ps.setLong(1, cutoff);
                ps.setLong(2, keepAfter.getAsLong());
                return ps.executeUpdate();
              });
      total += n;
      if (n < RETENTION_BATCH) {
        return total;
      }
    }
  }

  private void retainIfDue() {
    long now = config.clock().millis();
    if (config.retention().isZero() || now < nextRetentionMillis) {
      return;
    }
    nextRetentionMillis = now + Duration.ofMinutes(1).toMillis();
    try {
      int n = applyRetention();
      if (n > 0) {
        LOG.debug("retention deleted {} acknowledged log records", n);
      }
    } catch (RuntimeException e) {
      // The ack itself is committed; old rows wait for the next round.
      LOG.warn("log retention failed: {}", e.toString());
    }
  }

  /** Closes the file; waiting pollers return empty. */
  @Override
  public void close() {
    closed = true;
    db.close();
    synchronized (appended) {
      appended.notifyAll();
    }
  }
}
