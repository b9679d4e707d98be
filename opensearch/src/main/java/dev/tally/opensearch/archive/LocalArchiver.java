package dev.tally.opensearch.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.port.LogRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the embedded engine's durable log into a local archive ({@link ArchiveLayout}), following
 * it by position on a background thread. Every {@link Config#rollEvery()} it takes what the log
 * received since its cursor and writes one file per partition touched. Every record ends up in the
 * archive exactly once, whenever the process is killed:
 *
 * <ol>
 *   <li>each new file is written as {@code _tally/tmp/….jsonl.gz.tmp} and fsync'd;
 *   <li>the commit: {@code _tally/state.json} is replaced atomically (write, fsync, rename, fsync
 *       the directory) with the new cursor <em>and</em> the list of renames still to do;
 *   <li>the temp files are renamed to their partitions (atomic, same file system) and the
 *       directories fsync'd.
 * </ol>
 *
 * On start, the renames the state lists are finished (a rename already done is skipped) and every
 * other temp file, left by a batch that never committed, is deleted; those records are after the
 * cursor and are written again. So a half-written file is never visible under a partition, a
 * committed batch is never lost, and an uncommitted one is never visible.
 *
 * <p>A message the log holds twice (ingest publishes a retried message again when a crash came
 * between its append and its answer) is archived once: the archiver remembers the last {@link
 * Config#recentIds()} message ids of each store, rebuilt from the log before the cursor on start,
 * and leaves a second copy out (a log entry whose every event is such a copy is left out whole).
 *
 * <p>The state is in the archive directory itself, so the archive and its cursor cannot disagree;
 * delete the whole directory to archive again from the oldest retained log record.
 */
public final class LocalArchiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalArchiver.class);
  static final String STATE_DIR = "_tally";
  static final String STATE_FILE = "state.json";
  static final String TMP_DIR = "tmp";
  static final String TMP_SUFFIX = ".tmp";
  private static final int PAGE = 1_000;

  /** Log records before the cursor read on start to remember recent message ids. */
  static final int REBUILD_RECORDS = 20_000;

  /** The log, read by position: {@code SqliteEventLog::readFrom} in the local stack. */
  @FunctionalInterface
  public interface Source {
    /** Up to {@code max} retained records from {@code position} on, in position order. */
    List<LogRecord> readFrom(long position, int max);
  }

  /**
   * How the archiver runs.
   *
   * @param dir the archive root ({@code ./data/archive} in the local stack)
   * @param rollEvery how often new files are written; the archive lags the log by at most this
   *     (default 60 s)
   * @param maxBatchBytes uncompressed bytes per commit at most, so a long backlog is archived in
   *     several rounds (default 64 MB)
   * @param recentIds how many recent (store, message id) pairs are remembered to drop a second copy
   *     of a message (default 1,000,000, about 24 MB)
   */
  public record Config(Path dir, Duration rollEvery, long maxBatchBytes, int recentIds) {
    public Config {
      if (recentIds < 1) {
        throw new IllegalArgumentException("recentIds must be positive");
      }
      if (rollEvery.isNegative() || rollEvery.isZero()) {
        throw new IllegalArgumentException("rollEvery must be positive");
      }
      if (maxBatchBytes < 1) {
        throw new IllegalArgumentException("maxBatchBytes must be positive");
      }
    }

    public static Config defaults(Path dir) {
      return new Config(dir, Duration.ofSeconds(60), 64L * 1024 * 1024, 1_000_000);
    }

    public Config withRollEvery(Duration d) {
      return new Config(dir, d, maxBatchBytes, recentIds);
    }
  }

  private final Source source;
  private final Config config;
  private final Path stateDir;
  private final Path tmpDir;
  private final Object lock = new Object();
  private final RecentIds recent;
  private volatile long cursor;
  private volatile boolean closed;
  private Thread thread;

  private LocalArchiver(Source source, Config config) {
    this.source = source;
    this.config = config;
    this.stateDir = config.dir().resolve(STATE_DIR);
    this.tmpDir = stateDir.resolve(TMP_DIR);
    this.recent = new RecentIds(config.recentIds());
  }

  /** Opens the archive (creating it if needed) and recovers from a crash; does not start. */
  public static LocalArchiver open(Source source, Config config) {
    LocalArchiver a = new LocalArchiver(source, config);
    try {
      a.recover();
      a.remember();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the archive in " + config.dir() + ": " + e, e);
    }
    return a;
  }

  /** The last log position in the archive (0: none yet). Log records after it must be kept. */
  public long cursor() {
    return cursor;
  }

  public Path dir() {
    return config.dir();
  }

  /** Starts the background thread that archives every {@link Config#rollEvery()}. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    thread = new Thread(this::loop, "tally-archiver");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long pauseMillis = config.rollEvery().toMillis();
    while (!closed) {
      try {
        synchronized (lock) {
          lock.wait(pauseMillis);
        }
        if (!closed) {
          archiveAvailable();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The log keeps every record after the cursor, so nothing is lost: try again next round.
        LOG.warn("archiving failed, will retry: {}", e.toString());
      }
    }
  }

  /**
   * Archives every record the log has after the cursor now, in commits of at most {@link
   * Config#maxBatchBytes()}; returns how many records were archived.
   */
  public int archiveAvailable() {
    synchronized (this) {
      int total = 0;
      while (true) {
        List<LogRecord> batch = nextBatch();
        if (batch.isEmpty()) {
          return total;
        }
        try {
          commit(batch);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the archive: " + e, e);
        }
        total += batch.size();
      }
    }
  }

  private List<LogRecord> nextBatch() {
    List<LogRecord> out = new ArrayList<>();
    long bytes = 0;
    long from = cursor + 1;
    while (bytes < config.maxBatchBytes()) {
      List<LogRecord> page = source.readFrom(from, PAGE);
      for (LogRecord r : page) {
        out.add(r);
        bytes += r.body().length + 1;
        from = r.position() + 1;
        if (bytes >= config.maxBatchBytes()) {
          break;
        }
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    return out;
  }

  private record Rename(String tmp, String target) {}

  /** A log record as it goes into the archive: its store, and its line. */
  private record Line(String store, byte[] bytes) {}

  private void commit(List<LogRecord> batch) throws IOException {
    long first = batch.get(0).position();
    long last = batch.get(batch.size() - 1).position();
    Map<ArchiveLayout.Partition, List<byte[]>> byPartition = new LinkedHashMap<>();
    List<Long> seen = new ArrayList<>();
    Set<Long> inBatch = new java.util.HashSet<>();
    for (LogRecord r : batch) {
      Line line = line(r, seen, inBatch);
      if (line != null) {
        byPartition
            .computeIfAbsent(
                ArchiveLayout.Partition.of(line.store(), r.appendedAt()), k -> new ArrayList<>())
            .add(line.bytes());
      }
    }
    // 1. The files, complete and on disk, where no reader looks.
    Files.createDirectories(tmpDir);
    List<Rename> renames = new ArrayList<>();
    int k = 0;
    for (var e : byPartition.entrySet()) {
      String name = ArchiveLayout.fileName(first, last);
      String tmp =
          TMP_DIR + "/" + first + "-" + last + "-" + (k++) + ArchiveLayout.SUFFIX + TMP_SUFFIX;
      writeGzip(stateDir.resolve(tmp), e.getValue());
      renames.add(new Rename(tmp, e.getKey().path() + "/" + name));
    }
    fsyncDir(tmpDir);
    // 2. The commit point: cursor and renames in one atomic replace.
    writeState(last, renames);
    // 3. Make them visible.
    finish(renames);
    cursor = last;
    seen.forEach(recent::add);
  }

  /**
   * The record's archive line: its own bytes, or the entry re-encoded without the events already
   * archived; null when every event was. {@code seen} collects the ids of this batch.
   */
  private Line line(LogRecord r, List<Long> seen, Set<Long> inBatch) {
    LogEntry entry;
    try {
      entry = EventCodec.decode(r.body());
    } catch (RuntimeException e) {
      // Not decodable (the aggregator dead-letters it): archived as it is, under _unknown.
      return new Line("_unknown", r.body());
    }
    List<Event> kept = new ArrayList<>();
    for (Event e : entry.events()) {
      long h = RecentIds.hash(entry.storeId(), e.messageId());
      if (!recent.contains(h) && inBatch.add(h)) {
        kept.add(e);
        seen.add(h);
      }
    }
    if (kept.isEmpty()) {
      return null;
    }
    if (kept.size() == entry.events().size()) {
      return new Line(entry.storeId(), r.body());
    }
    return new Line(
        entry.storeId(), EventCodec.encode(new LogEntry(entry.id(), entry.storeId(), kept)));
  }

  /** Remembers the message ids of the log records just before the cursor. */
  private void remember() {
    long from = Math.max(0, cursor - REBUILD_RECORDS + 1);
    while (from <= cursor) {
      List<LogRecord> page = source.readFrom(from, PAGE);
      if (page.isEmpty()) {
        return;
      }
      for (LogRecord r : page) {
        if (r.position() > cursor) {
          return;
        }
        try {
          LogEntry entry = EventCodec.decode(r.body());
          for (Event e : entry.events()) {
            recent.add(RecentIds.hash(entry.storeId(), e.messageId()));
          }
        } catch (RuntimeException e) {
          // not decodable: nothing to remember
        }
        from = r.position() + 1;
      }
    }
  }

  private static void writeGzip(Path file, List<byte[]> lines) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream raw = Channels.newOutputStream(ch);
      GZIPOutputStream gz = new GZIPOutputStream(raw, 64 * 1024);
      for (byte[] line : lines) {
        gz.write(line);
        gz.write('\n');
      }
      gz.finish();
      gz.flush();
      ch.force(true);
    }
  }

  private void writeState(long newCursor, List<Rename> renames) throws IOException {
    ObjectNode state = Json.mapper().createObjectNode();
    state.put("cursor", newCursor);
    ArrayNode pending = state.putArray("pending");
    for (Rename r : renames) {
      pending.addObject().put("tmp", r.tmp()).put("target", r.target());
    }
    Path tmp = stateDir.resolve(STATE_FILE + TMP_SUFFIX);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(Json.mapper().writeValueAsBytes(state)));
      ch.force(true);
    }
    Files.move(
        tmp,
        stateDir.resolve(STATE_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    fsyncDir(stateDir);
  }

  /** Renames what is still in tmp; a rename already done (tmp gone) is skipped. */
  private void finish(List<Rename> renames) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Rename r : renames) {
      Path tmp = stateDir.resolve(r.tmp());
      Path target = config.dir().resolve(r.target());
      if (!Files.exists(tmp)) {
        continue;
      }
      Path parent = target.getParent();
      if (!Files.isDirectory(parent)) {
        Files.createDirectories(parent);
        // New directories: their own entries must reach the disk too.
        for (Path p = parent; p != null && !p.equals(config.dir()); p = p.getParent()) {
          dirs.add(p.getParent());
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      dirs.add(parent);
    }
    for (Path d : dirs) {
      fsyncDir(d);
    }
    fsyncDir(tmpDir);
  }

  private void recover() throws IOException {
    Files.createDirectories(tmpDir);
    Path state = stateDir.resolve(STATE_FILE);
    Set<String> keep = new LinkedHashSet<>();
    if (Files.exists(state)) {
      JsonNode s = Json.mapper().readTree(Files.readAllBytes(state));
      cursor = s.path("cursor").asLong(0);
      List<Rename> renames = new ArrayList<>();
      for (JsonNode r : s.path("pending")) {
        renames.add(new Rename(r.path("tmp").asText(), r.path("target").asText()));
        keep.add(r.path("tmp").asText());
      }
      finish(renames);
    }
    // Temp files of batches that never committed: their records are after the cursor.
    try (Stream<Path> files = Files.list(tmpDir)) {
      for (Path f : files.toList()) {
        if (!keep.contains(TMP_DIR + "/" + f.getFileName())) {
          try {
            Files.delete(f);
          } catch (NoSuchFileException e) {
            // gone already
          }
        }
      }
    }
    Files.deleteIfExists(stateDir.resolve(STATE_FILE + TMP_SUFFIX));
    fsyncDir(tmpDir);
  }

  private static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory for fsync; rename is still atomic there.
      LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
    }
  }

  /** Stops the thread, then archives what the log still has, so a clean stop leaves no lag. */
  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      archiveAvailable();
    } catch (RuntimeException e) {
      LOG.warn("final archiving failed; the next start archives the rest: {}", e.toString());
    }
  }
}
