package dev.tally.hooks;

import java.time.Duration;
import java.util.Optional;

/** A delivery that may succeed if tried again later, possibly after a server-given delay. */
public final class RetryableSendException extends SendException {
  private final transient Duration retryAfter;

  public RetryableSendException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /** The delay the server asked for (HTTP Retry-After), if it named one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
