package dev.tally.app.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the local stack runs.
 *
 * @param port HTTP port (default 8080; 0 picks a free one)
 * @param host interface to bind (default 127.0.0.1: nothing is exposed beyond this machine)
 * @param dataDir where the embedded engine keeps its files (default {@code ./data})
 * @param inMemory keep nothing on disk
 * @param adminToken token for {@code /admin/v1/*}; empty means generate one and print it
 * @param shards store-day write shards (default 4)
 * @param seedDemoStore create the demo store with its well-known keys (default true)
 * @param archiveRoll how often the embedded engine's raw-event archive ({@code dataDir/archive})
 *     rolls new files; zero turns the archive off (default 60 s; always off in memory)
 */
public record StackConfig(
    int port,
    String host,
    Path dataDir,
    boolean inMemory,
    Optional<String> adminToken,
    int shards,
    boolean seedDemoStore,
    Duration archiveRoll) {

  public static final Duration DEFAULT_ARCHIVE_ROLL = Duration.ofSeconds(60);

  public static StackConfig defaults() {
    return new StackConfig(
        8080, "127.0.0.1", Path.of("data"), false, Optional.empty(), 4, true, DEFAULT_ARCHIVE_ROLL);
  }

  /** For tests: a free port, nothing on disk, a fixed admin token. */
  public static StackConfig forTests() {
    return new StackConfig(
        0,
        "127.0.0.1",
        Path.of("data"),
        true,
        Optional.of("test-admin-token"),
        4,
        true,
        DEFAULT_ARCHIVE_ROLL);
  }

  /** The raw-event archive's directory. */
  public Path archiveDir() {
    return dataDir.resolve("archive");
  }

  /** True when the embedded engine archives raw events. */
  public boolean archives() {
    return !inMemory && !archiveRoll.isZero();
  }

  public StackConfig withPort(int p) {
    return new StackConfig(
        p, host, dataDir, inMemory, adminToken, shards, seedDemoStore, archiveRoll);
  }

  public StackConfig withInMemory(boolean m) {
    return new StackConfig(port, host, dataDir, m, adminToken, shards, seedDemoStore, archiveRoll);
  }

  public StackConfig withDataDir(Path d) {
    return new StackConfig(port, host, d, inMemory, adminToken, shards, seedDemoStore, archiveRoll);
  }

  public StackConfig withAdminToken(String t) {
    return new StackConfig(
        port, host, dataDir, inMemory, Optional.ofNullable(t), shards, seedDemoStore, archiveRoll);
  }

  public StackConfig withShards(int n) {
    return new StackConfig(
        port, host, dataDir, inMemory, adminToken, n, seedDemoStore, archiveRoll);
  }

  /** How long a deletion waits after the suppression for batches already being applied. */
  public Duration regulationSettle() {
    return inMemory ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
  }

  public StackConfig withArchiveRoll(Duration roll) {
    return new StackConfig(port, host, dataDir, inMemory, adminToken, shards, seedDemoStore, roll);
  }
}
