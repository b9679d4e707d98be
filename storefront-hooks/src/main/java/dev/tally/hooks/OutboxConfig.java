package dev.tally.hooks;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the DynamoDB outbox and its relay. Start from {@link #defaults(String)}.
 *
 * @param tableName the table that holds the outbox items (usually the orders table: the outbox item
 *     must be written in the same transaction as the order); keys {@code pk}/{@code sk}
 * @param batchSize events per poll and per {@code /v1/batch} request; default 25
 * @param pollInterval delay between polls; default 500 ms
 * @param initialBackoff first pause after a retryable failure, doubled per failure; default 1 s
 * @param maxBackoff longest pause between retries; default 60 s
 */
public record OutboxConfig(
    String tableName,
    int batchSize,
    Duration pollInterval,
    Duration initialBackoff,
    Duration maxBackoff) {

  public OutboxConfig {
    tableName = Checks.notBlank(tableName, "tableName");
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

  /** The documented defaults for the given table. */
  public static OutboxConfig defaults(String tableName) {
    return new OutboxConfig(
        tableName, 25, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** A copy with another poll interval. */
  public OutboxConfig withPollInterval(Duration interval) {
    return new OutboxConfig(tableName, batchSize, interval, initialBackoff, maxBackoff);
  }

  /** A copy with other backoff bounds. */
  public OutboxConfig withBackoff(Duration initial, Duration max) {
    return new OutboxConfig(tableName, batchSize, pollInterval, initial, max);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " cannot be null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
