package dev.tally.opensearch.replay;

import java.time.Duration;

/**
 * What a replay did.
 *
 * @param files archive files in scope
 * @param filesSkipped of those, finished by an earlier run and not read again
 * @param bytesRead compressed bytes read
 * @param eventsRead events in the files read
 * @param eventsIndexed events in the store and range, indexed (created or updated)
 * @param created documents new to OpenSearch
 * @param updated documents that were already there (a re-replay overwrites them with the same
 *     content)
 * @param badRows documents refused for good and archive lines that are not log entries
 * @param retriedItems items sent again after a 429/5xx or a failed request
 * @param bulkRequests bulk requests sent
 * @param elapsed wall time
 */
public record ReplaySummary(
    int files,
    int filesSkipped,
    long bytesRead,
    long eventsRead,
    long eventsIndexed,
    long created,
    long updated,
    long badRows,
    long retriedItems,
    long bulkRequests,
    Duration elapsed) {

  public double eventsPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : eventsIndexed / s;
  }

  /** The summary printed at the end of {@code tally replay opensearch}. */
  public String describe() {
    return String.format(
        "Replay finished in %.1f s: %d files (%d already done), %.1f MB read, %d events read,"
            + " %d indexed (%d new, %d overwritten), %d bad rows, %d items retried,"
            + " %d bulk requests, %.0f events/s",
        elapsed.toMillis() / 1000.0,
        files,
        filesSkipped,
        bytesRead / 1e6,
        eventsRead,
        eventsIndexed,
        created,
        updated,
        badRows,
        retriedItems,
        bulkRequests,
        eventsPerSecond());
  }
}
