package dev.tally.query;

import dev.tally.core.error.RateLimitedException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per read key (Bucket4j), in memory and so per instance. Only keys that passed
 * authentication get a bucket, so unknown keys cannot grow the map.
 */
final class ReadKeyLimiter {
  private final QueryConfig config;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  ReadKeyLimiter(QueryConfig config) {
    this.config = config;
  }

  /** Takes one request from the key's allowance, or throws {@link RateLimitedException}. */
  void take(String keyHash) {
    ConsumptionProbe probe =
        buckets.computeIfAbsent(keyHash, k -> newBucket()).tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      throw new RateLimitedException(
          "more than "
              + config.requestsPerSecond()
              + " queries/s (burst "
              + config.burst()
              + ") for this read key",
          Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(config.burst())
                .refillGreedy(config.requestsPerSecond(), Duration.ofSeconds(1))
                .build())
        .build();
  }
}
