package dev.tally.observability;

import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Runs one Lambda invocation with its request id in the logging context (MDC key {@value #KEY}), so
 * every log line of the invocation carries it, and flushes the invocation's metrics after it.
 */
public final class RequestScope {
  /** The MDC key of the Lambda request id; the JSON log lines carry it under this name. */
  public static final String KEY = "requestId";

  private RequestScope() {}

  /**
   * @param requestId the Lambda request id ({@code Context.getAwsRequestId()}); null is allowed
   * @param metrics flushed when the invocation ends, whether it returned or threw
   */
  public static <T> T run(String requestId, EmfMetrics metrics, Supplier<T> invocation) {
    if (requestId != null) {
      MDC.put(KEY, requestId);
    }
    try {
      return invocation.get();
    } finally {
      metrics.flush();
      MDC.remove(KEY);
    }
  }
}
