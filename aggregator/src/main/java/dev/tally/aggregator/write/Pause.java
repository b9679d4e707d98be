package dev.tally.aggregator.write;

import dev.tally.core.error.RetryableException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Jittered exponential pause between optimistic-concurrency attempts. */
final class Pause {
  private Pause() {}

  static void after(int attempt) {
    long cap = Math.min(1_000, 10L << Math.min(attempt, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException("interrupted", "interrupted", Duration.ofSeconds(1));
    }
  }
}
