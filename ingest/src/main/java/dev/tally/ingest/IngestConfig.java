package dev.tally.ingest;

import dev.tally.core.event.ParseOptions;
import java.time.Duration;

/**
 * Ingest limits and policies.
 *
 * @param parse per-event limits (32 KB, 24 h future, 30 days old on live endpoints)
 * @param maxRequestBytes request body limit after decompression (default 500 KB)
 * @param maxBatchEvents events per batch (default 2,500)
 * @param requestsPerSecond sustained requests per write key (default 500)
 * @param burst requests a write key may send at once (default 1,000)
 * @param unavailableRetryAfter what {@code Retry-After} says when the log is down (default 5 s)
 */
public record IngestConfig(
    ParseOptions parse,
    int maxRequestBytes,
    int maxBatchEvents,
    long requestsPerSecond,
    long burst,
    Duration unavailableRetryAfter) {

  public static final int DEFAULT_MAX_REQUEST_BYTES = 500 * 1024;
  public static final int DEFAULT_MAX_BATCH_EVENTS = 2_500;

  public static IngestConfig defaults() {
    return new IngestConfig(
        ParseOptions.live(),
        DEFAULT_MAX_REQUEST_BYTES,
        DEFAULT_MAX_BATCH_EVENTS,
        500,
        1_000,
        Duration.ofSeconds(5));
  }

  public IngestConfig withRateLimit(long perSecond, long burst) {
    return new IngestConfig(
        parse, maxRequestBytes, maxBatchEvents, perSecond, burst, unavailableRetryAfter);
  }

  public IngestConfig withParse(ParseOptions parse) {
    return new IngestConfig(
        parse, maxRequestBytes, maxBatchEvents, requestsPerSecond, burst, unavailableRetryAfter);
  }
}
