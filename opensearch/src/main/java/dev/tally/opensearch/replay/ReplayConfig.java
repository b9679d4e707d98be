package dev.tally.opensearch.replay;

import dev.tally.core.retry.Backoff;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.index.IndexNames;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a replay runs.
 *
 * @param names index, template and alias names (default prefix {@code tally})
 * @param filter which store and store-local days to index (default: everything)
 * @param bulkBytes bytes per bulk request at most (default 5 MB)
 * @param concurrency bulk requests in flight at most while the next is built (default 2)
 * @param replicas replicas of new monthly indexes (default 0: a single-node cluster stays green)
 * @param stateDir where progress is saved for resuming, one file per set of replay arguments
 * @param badRowsFile where refused documents are written
 * @param restart ignore saved progress and read the whole archive again
 * @param backoff retries of failed items (default: 10 attempts, 200 ms doubling to 10 s)
 */
public record ReplayConfig(
    IndexNames names,
    ArchiveFilter filter,
    long bulkBytes,
    int concurrency,
    int replicas,
    Path stateDir,
    Path badRowsFile,
    boolean restart,
    Backoff.Config backoff) {

  public static final long DEFAULT_BULK_BYTES = 5L * 1024 * 1024;
  public static final int DEFAULT_CONCURRENCY = 2;
  public static final Backoff.Config DEFAULT_BACKOFF =
      new Backoff.Config(10, Duration.ofMillis(200), Duration.ofSeconds(10));

  public ReplayConfig {
    if (bulkBytes < 1024) {
      throw new IllegalArgumentException("bulk size must be at least 1 KB");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must not be negative");
    }
  }

  /** Defaults, with progress and bad rows in {@code workDir}. */
  public static ReplayConfig defaults(Path workDir) {
    return new ReplayConfig(
        IndexNames.defaults(),
        ArchiveFilter.all(),
        DEFAULT_BULK_BYTES,
        DEFAULT_CONCURRENCY,
        0,
        workDir,
        workDir.resolve("replay-bad-rows.jsonl"),
        false,
        DEFAULT_BACKOFF);
  }

  public ReplayConfig withNames(IndexNames v) {
    return new ReplayConfig(
        v, filter, bulkBytes, concurrency, replicas, stateDir, badRowsFile, restart, backoff);
  }

  public ReplayConfig withFilter(ArchiveFilter v) {
    return new ReplayConfig(
        names, v, bulkBytes, concurrency, replicas, stateDir, badRowsFile, restart, backoff);
  }

  public ReplayConfig withBulkBytes(long v) {
    return new ReplayConfig(
        names, filter, v, concurrency, replicas, stateDir, badRowsFile, restart, backoff);
  }

  public ReplayConfig withConcurrency(int v) {
    return new ReplayConfig(
        names, filter, bulkBytes, v, replicas, stateDir, badRowsFile, restart, backoff);
  }

  public ReplayConfig withStateDir(Path v) {
    return new ReplayConfig(
        names, filter, bulkBytes, concurrency, replicas, v, badRowsFile, restart, backoff);
  }

  public ReplayConfig withBadRowsFile(Path v) {
    return new ReplayConfig(
        names, filter, bulkBytes, concurrency, replicas, stateDir, v, restart, backoff);
  }

  public ReplayConfig withReplicas(int v) {
    return new ReplayConfig(
        names, filter, bulkBytes, concurrency, v, stateDir, badRowsFile, restart, backoff);
  }

  public ReplayConfig withBackoff(Backoff.Config v) {
    return new ReplayConfig(
        names, filter, bulkBytes, concurrency, replicas, stateDir, badRowsFile, restart, v);
  }

  public ReplayConfig withRestart(boolean v) {
    return new ReplayConfig(
        names, filter, bulkBytes, concurrency, replicas, stateDir, badRowsFile, v, backoff);
  }
}
