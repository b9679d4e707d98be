package dev.tally.core.event;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits applied when parsing incoming calls.
 *
 * @param maxFuture how far past the receive time a corrected timestamp may lie (default 24 h)
 * @param maxAge how old an event may be; {@code /v1/import} uses {@link #historical()} (default 30
 *     days for live endpoints)
 * @param maxEventBytes serialized size limit of one event (default 32 KB)
 */
public record ParseOptions(Duration maxFuture, Duration maxAge, int maxEventBytes) {
  public static final Duration DEFAULT_MAX_FUTURE = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
  public static final Duration HISTORICAL_MAX_AGE = Duration.ofDays(5 * 366);
  public static final int DEFAULT_MAX_EVENT_BYTES = 32 * 1024;

  public ParseOptions {
    Objects.requireNonNull(maxFuture, "maxFuture");
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes must be positive");
    }
  }

  public static ParseOptions live() {
    return new ParseOptions(DEFAULT_MAX_FUTURE, DEFAULT_MAX_AGE, DEFAULT_MAX_EVENT_BYTES);
  }

  /** The same limits, but accepting events up to about five years old. */
  public ParseOptions historical() {
    return new ParseOptions(maxFuture, HISTORICAL_MAX_AGE, maxEventBytes);
  }

  public ParseOptions withMaxAge(Duration age) {
    return new ParseOptions(maxFuture, age, maxEventBytes);
  }
}
