package dev.tally.core.error;

import java.time.Duration;

/** A transient failure (throttling, an unavailable dependency); the same call may succeed later. */
public class RetryableException extends TallyException {
  private final Duration retryAfter;

  public RetryableException(String code, String message, Duration retryAfter, Throwable cause) {
    super(code, message, cause);
    this.retryAfter = retryAfter;
  }

  public RetryableException(String code, String message, Duration retryAfter) {
    this(code, message, retryAfter, null);
  }

  /** How long a client should wait before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
