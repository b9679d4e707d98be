package dev.tally.dynamodb;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the requests an SDK client sends, per operation ({@code UpdateItem}, {@code
 * TransactWriteItems}, …), so benchmarks and tests can state what a call costs. An SDK {@link
 * ExecutionInterceptor}, not a proxy: add it to any client's builder with {@code
 * .overrideConfiguration(c -> c.addExecutionInterceptor(counter))}. It counts each API call once,
 * whatever the SDK's own retries do underneath.
 */
public final class RequestCounter implements ExecutionInterceptor {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public static RequestCounter create() {
    return new RequestCounter();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    counts
        .computeIfAbsent(operation == null ? "unknown" : operation, k -> new LongAdder())
        .increment();
  }

  /** Requests per operation name since the start or the last {@link #reset()}, sorted by name. */
  public Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Requests of one operation, e.g. {@code "UpdateItem"}. */
  public long count(String operation) {
    LongAdder a = counts.get(operation);
    return a == null ? 0 : a.sum();
  }

  public void reset() {
    counts.clear();
  }
}
