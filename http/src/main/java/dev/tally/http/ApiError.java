package dev.tally.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.AuthException;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.PayloadTooLargeException;
import dev.tally.core.error.RateLimitedException;
import dev.tally.core.error.RetryableException;
import dev.tally.core.error.UnsupportedMediaTypeException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import java.time.Duration;

/**
 * The one mapping from exceptions to HTTP status codes, shared by every HTTP adapter (local server
 * and Lambda), so a given failure answers the same everywhere. It lives here, not in core: core's
 * exceptions say what went wrong (retryable or not, whose fault), the transport says how to answer.
 */
public record ApiError(int status, String code, String message, Duration retryAfter) {

  /** Maps any throwable to its API answer; unknown failures become a 500 that leaks no detail. */
  public static ApiError of(Throwable t) {
    if (t instanceof PayloadTooLargeException e) {
      return new ApiError(413, e.code(), e.getMessage(), null);
    }
    if (t instanceof UnsupportedMediaTypeException e) {
      return new ApiError(415, e.code(), e.getMessage(), null);
    }
    if (t instanceof ValidationException e) {
      return new ApiError(400, e.code(), e.getMessage(), null);
    }
    if (t instanceof AuthException e) {
      return new ApiError(e.forbidden() ? 403 : 401, e.code(), e.getMessage(), null);
    }
    if (t instanceof NotFoundException e) {
      return new ApiError(404, e.code(), e.getMessage(), null);
    }
    if (t instanceof RateLimitedException e) {
      return new ApiError(429, e.code(), e.getMessage(), e.retryAfter());
    }
    if (t instanceof RetryableException e) {
      return new ApiError(503, e.code(), e.getMessage(), e.retryAfter());
    }
    return new ApiError(500, "internal_error", "Internal error; it has been logged", null);
  }

  /** The JSON error body every Tally API answers with: {@code {"error":code,"message":…}}. */
  public ObjectNode toJson() {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("error", code);
    n.put("message", message);
    return n;
  }

  /** Seconds for a {@code Retry-After} header, or -1 when there is none. */
  public long retryAfterSeconds() {
    return retryAfter == null ? -1 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}
