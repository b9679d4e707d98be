package dev.tally.ingest;

import dev.tally.core.error.RateLimitedException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Token-bucket rate limit per key (Bucket4j), in memory: per instance, as Lambda scales out. */
public final class RateLimiter {
  private final long perSecond;
  private final long burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(long perSecond, long burst) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Takes one token for {@code key} or throws {@link RateLimitedException}. */
  public void acquire(String key) {
    Bucket b =
        buckets.computeIfAbsent(
            key,
            k ->
                Bucket.builder()
                    .addLimit(
                        Bandwidth.builder()
                            .capacity(burst)
                            .refillGreedy(perSecond, Duration.ofSeconds(1))
                            .build())
                    .build());
    ConsumptionProbe probe = b.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      throw new RateLimitedException(
          "rate limit of " + perSecond + " requests/s exceeded for this key",
          Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }
}
