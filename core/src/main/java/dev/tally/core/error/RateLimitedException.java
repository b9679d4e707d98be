package dev.tally.core.error;

import java.time.Duration;

/** A key that exceeded its request rate. */
public class RateLimitedException extends RetryableException {
  public RateLimitedException(String message, Duration retryAfter) {
    super("rate_limited", message, retryAfter);
  }
}
