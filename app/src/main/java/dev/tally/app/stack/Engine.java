package dev.tally.app.stack;

import dev.tally.core.item.ItemStore;
import dev.tally.core.port.EventLog;
import dev.tally.core.port.LogConsumer;
import java.util.Map;

/**
 * Where the local stack keeps its items and its event log: the embedded engine (SQLite files) by
 * default, or DynamoDB and SQS when {@code AWS_ENDPOINT_URL} (or {@code AWS_ENDPOINT_URL_DYNAMODB}
 * / {@code AWS_ENDPOINT_URL_SQS}) names an endpoint (LocalStack, real AWS).
 */
public interface Engine extends AutoCloseable {
  /** The metrics table ({@code MetricKeys} layout). */
  ItemStore metrics();

  /** Stores and their hashed keys (a key-only table). */
  ItemStore stores();

  /** Ingest's message-id dedup records (a key-only table with expiry). */
  ItemStore dedup();

  /** The demo shop's products, orders and outbox. */
  ItemStore shop();

  /** The append side of the durable log: returns once events are durable. */
  EventLog log();

  /** The reading side of the same log, for the aggregator. */
  LogConsumer consumer();

  /** Items per atomic metrics write (the engine's limit, or less). */
  int itemsPerTransaction();

  /** Log records per aggregator poll. */
  int recordsPerPoll();

  boolean healthy();

  /** One line for logs and the banner. */
  String description();

  @Override
  void close();

  static Engine open(StackConfig config, Map<String, String> env) {
    if (dev.tally.dynamodb.AwsEndpoints.fromEnv(env).overridden()) {
      return AwsEngine.open(env);
    }
    return EmbeddedEngine.open(config);
  }
}
