package dev.tally.aggregator.dynamodb;

import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.Keys.StepDay;
import dev.tally.core.agg.Weeks;
import dev.tally.core.error.RetryableException;
import dev.tally.core.item.MetricKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Adds device ids to the per store-day-step HLL sketches. A sketch ignores ids it already holds, so
 * this runs before the counters and is simply repeated on redelivery. Writes are skipped when the
 * sketch would not change; concurrent writers are serialized by a version condition.
 */
final class SketchWriter {
  private final DynamoDbClient ddb;
  private final String table;
  private final int maxAttempts;

  SketchWriter(DynamoDbClient ddb, String table, int maxAttempts) {
    this.ddb = ddb;
    this.table = table;
    this.maxAttempts = maxAttempts;
  }

  /** Adds ids to each step-day's sketch and to the step's weekly roll-up of those days. */
  void add(String store, Map<StepDay, Set<String>> reached, WriteStats stats) {
    Map<StepDay, Set<String>> weeks = new java.util.LinkedHashMap<>();
    for (var e : reached.entrySet()) {
      StepDay day = e.getKey();
      add(MetricKeys.sketchPk(store, day.step()), MetricKeys.daySk(day.day()), e.getValue(), stats);
      weeks
          .computeIfAbsent(
              new StepDay(Weeks.start(day.day()), day.step()), k -> new java.util.HashSet<>())
          .addAll(e.getValue());
    }
    for (var e : weeks.entrySet()) {
      StepDay week = e.getKey();
      add(
          MetricKeys.sketchWeekPk(store, week.step()),
          MetricKeys.weekSk(week.day()),
          e.getValue(),
          stats);
    }
  }

  private void add(String pk, String sk, Set<String> ids, WriteStats stats) {
    var k = DdbIo.key(pk, sk);
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        var item = ddb.getItem(b -> b.tableName(table).key(k).consistentRead(true)).item();
        byte[] current =
            item != null && item.containsKey(MetricKeys.HLL)
                ? item.get(MetricKeys.HLL).b().asByteArray()
                : null;
        byte[] next = DistinctSketch.add(current, ids);
        if (current != null && java.util.Arrays.equals(current, next)) {
          return;
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":h", AttributeValue.fromB(SdkBytes.fromByteArray(next)));
        values.put(":one", AttributeValue.fromN("1"));
        String condition = "attribute_not_exists(ver)";
        if (current != null) {
          values.put(":v", item.get(MetricKeys.VERSION));
          condition = "ver = :v";
        }
        String cond = condition;
        var r =
            ddb.updateItem(
                b ->
                    b.tableName(table)
                        .key(k)
                        .updateExpression("SET hll = :h ADD ver :one")
                        .conditionExpression(cond)
                        .expressionAttributeValues(values)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        stats.record(r.consumedCapacity());
        return;
      } catch (ConditionalCheckFailedException e) {
        DdbIo.backoff(attempt);
      } catch (SdkException e) {
        throw DdbIo.unavailable(e);
      }
    }
    throw new RetryableException(
        "sketch_conflict", "sketch " + pk + " " + sk + " kept changing", Duration.ofSeconds(1));
  }
}
