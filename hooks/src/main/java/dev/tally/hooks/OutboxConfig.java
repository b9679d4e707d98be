package dev.tally.hooks;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the outbox relay. Start from {@link #defaults()}. Where the outbox lives is not a
 * setting: it is the {@link dev.tally.core.item.ItemStore} handed to {@link Outbox}.
 *
 * @param batchSize events per poll and per {@code /v1/batch} request; default 25
 * @param pollInterval delay between polls; default 500 ms
 * @param initialBackoff first pause after a retryable failure, doubled per failure; default 1 s
 * @param maxBackoff longest pause between retries; default 60 s
 */
public record OutboxConfig(
    int batchSize, Duration pollInterval, Duration initialBackoff, Duration maxBackoff) {

  public OutboxConfig {
    if (batchSize < 1 || batchSize > 100) {
      throw new IllegalArgumentException("batchSize must be 1..100, was " + batchSize);
    }
    positive(pollInterval, "pollInterval");
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
    }
  }

  /** The documented defaults. */
  public static OutboxConfig defaults() {
    return new OutboxConfig(
        25, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** A copy with another poll interval. */
  public OutboxConfig withPollInterval(Duration interval) {
    return new OutboxConfig(batchSize, interval, initialBackoff, maxBackoff);
  }

  /** A copy with other backoff bounds. */
  public OutboxConfig withBackoff(Duration initial, Duration max) {
    return new OutboxConfig(batchSize, pollInterval, initial, max);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " cannot be null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
