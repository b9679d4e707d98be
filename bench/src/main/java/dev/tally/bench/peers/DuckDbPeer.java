package dev.tally.bench.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;

/**
 * DuckDB (org.duckdb:duckdb_jdbc, MIT) in this process, on a database file: the raw events loaded
 * with {@code COPY} from CSV chunks, every question a SQL query.
 */
final class DuckDbPeer extends SqlPeer {
  private final Path dir;
  private final Path file;

  DuckDbPeer(Path dir) throws Exception {
    this.dir = dir;
    this.file = dir.resolve("peers.duckdb");
    Class.forName("org.duckdb.DuckDBDriver");
    conn = DriverManager.getConnection("jdbc:duckdb:" + file);
    exec("SET threads = 2");
    exec(SCHEMA_EVENTS);
    exec(SCHEMA_LINES);
  }

  @Override
  public String name() {
    return "DuckDB";
  }

  @Override
  public long load(PeerWorkload workload) throws Exception {
    Path ev = dir.resolve("chunk-events.csv");
    Path li = dir.resolve("chunk-lines.csv");
    long nanos =
        copyChunks(
            workload,
            csv -> {
              Files.writeString(ev, csv.events());
              Files.writeString(li, csv.lines());
              exec("COPY events FROM '" + ev + "' (FORMAT csv, HEADER false)");
              exec("COPY order_lines FROM '" + li + "' (FORMAT csv, HEADER false)");
            });
    long t0 = System.nanoTime();
    exec("CHECKPOINT");
    nanos += System.nanoTime() - t0;
    Files.deleteIfExists(ev);
    Files.deleteIfExists(li);
    return nanos;
  }

  @Override
  public long storageBytes() throws Exception {
    exec("CHECKPOINT");
    long wal = Files.exists(Path.of(file + ".wal")) ? Files.size(Path.of(file + ".wal")) : 0;
    return Files.size(file) + wal;
  }
}
