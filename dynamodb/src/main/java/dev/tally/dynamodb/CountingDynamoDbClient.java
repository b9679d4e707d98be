package dev.tally.dynamodb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Counts the requests sent through a {@link DynamoDbClient}, per operation, so benchmarks and tests
 * can state what a call costs. Wraps any client (a dynamic proxy over the interface), so it works
 * for the embedded DynamoDB Local client and for real AWS alike.
 */
public final class CountingDynamoDbClient {
  private final DynamoDbClient client;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  private CountingDynamoDbClient(DynamoDbClient delegate) {
    this.client =
        (DynamoDbClient)
            Proxy.newProxyInstance(
                DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                  if (method.getDeclaringClass() == Object.class) {
                    return method.invoke(delegate, args);
                  }
                  // Builder-consumer overloads delegate to the request overload on the real
                  // client, but through the proxy each call is seen once, here.
                  if (!method.getName().equals("close")
                      && !method.getName().equals("serviceName")
                      && !method.getName().equals("serviceClientConfiguration")) {
                    counts.computeIfAbsent(method.getName(), k -> new LongAdder()).increment();
                  }
                  try {
                    return method.invoke(delegate, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
  }

  /** Wraps {@code delegate}; use {@link #client()} wherever the real client was used. */
  public static CountingDynamoDbClient wrap(DynamoDbClient delegate) {
    return new CountingDynamoDbClient(delegate);
  }

  /** The counting client. */
  public DynamoDbClient client() {
    return client;
  }

  /** Requests so far, all operations together. */
  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Requests so far per operation name (e.g. {@code query}, {@code getItem}), sorted. */
  public Map<String, Long> byOperation() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Forgets all counts. */
  public void reset() {
    counts.clear();
  }
}
