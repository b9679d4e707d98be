package dev.tally.aggregator.testing;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.tally.dynamodb.TableNames;
import dev.tally.dynamodb.Tables;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB Local in this process, with fresh tables per test and a crash-injecting client. */
public final class LocalDynamoDb implements AutoCloseable {
  private final AmazonDynamoDBLocal local = DynamoDBEmbedded.create();
  private final DynamoDbClient client = local.dynamoDbClient();

  public DynamoDbClient client() {
    return client;
  }

  /** Creates a fresh set of tables under a new prefix. */
  public TableNames freshTables() {
    TableNames names =
        TableNames.defaults().prefixed("t" + UUID.randomUUID().toString().substring(0, 8) + "-");
    Tables.createIfMissing(client, names);
    return names;
  }

  /** Thrown by {@link #crashingAfter} to stand for the process dying mid-batch. */
  public static final class Crash extends RuntimeException {
    public Crash(String message) {
      super(message);
    }
  }

  /**
   * A client that lets {@code method} succeed {@code allowed} times, then throws {@link Crash} on
   * every later call to it, as if the process died there; {@code calls} counts the attempts.
   */
  public DynamoDbClient crashingAfter(String method, int allowed, AtomicInteger calls) {
    return crashingAfter(java.util.Set.of(method), allowed, calls);
  }

  /**
   * Like {@link #crashingAfter(String, int, AtomicInteger)}, counting calls to any of {@code
   * methods}.
   */
  public DynamoDbClient crashingAfter(
      java.util.Set<String> methods, int allowed, AtomicInteger calls) {
    return (DynamoDbClient)
        Proxy.newProxyInstance(
            DynamoDbClient.class.getClassLoader(),
            new Class<?>[] {DynamoDbClient.class},
            (proxy, m, args) -> {
              if (methods.contains(m.getName()) && calls.incrementAndGet() > allowed) {
                throw new Crash("injected crash at " + m.getName() + " #" + calls.get());
              }
              try {
                return m.invoke(client, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public void close() {
    client.close();
    local.shutdownNow();
  }
}
