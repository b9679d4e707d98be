package dev.tally.aggregator.dynamodb;

import dev.tally.core.error.RetryableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Small DynamoDB helpers shared by the aggregator's writers. */
final class DdbIo {
  private DdbIo() {}

  static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
  }

  /** Strongly consistent BatchGetItem of any number of keys; result keyed by "pk|sk". */
  static Map<String, Map<String, AttributeValue>> batchGet(
      DynamoDbClient ddb, String table, List<Map<String, AttributeValue>> keys) {
    Map<String, Map<String, AttributeValue>> out = new HashMap<>();
    try {
      for (int i = 0; i < keys.size(); i += 100) {
        Map<String, KeysAndAttributes> req = new HashMap<>();
        req.put(
            table,
            KeysAndAttributes.builder()
                .keys(keys.subList(i, Math.min(keys.size(), i + 100)))
                .consistentRead(true)
                .build());
        int round = 0;
        while (!req.isEmpty()) {
          Map<String, KeysAndAttributes> call = new HashMap<>(req);
          var r = ddb.batchGetItem(b -> b.requestItems(call));
          for (var item : r.responses().getOrDefault(table, List.of())) {
            out.put(id(item.get("pk").s(), item.get("sk").s()), item);
          }
          req.clear();
          if (r.hasUnprocessedKeys() && !r.unprocessedKeys().isEmpty()) {
            req.putAll(r.unprocessedKeys());
            backoff(++round);
          }
        }
      }
    } catch (SdkException e) {
      throw unavailable(e);
    }
    return out;
  }

  static String id(String pk, String sk) {
    return pk + "|" + sk;
  }

  static RetryableException unavailable(SdkException e) {
    return new RetryableException(
        "metrics_unavailable", "DynamoDB: " + e.getMessage(), Duration.ofSeconds(1), e);
  }

  static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(1_000, (long) (10 * Math.pow(2, attempt) * (0.5 + Math.random()))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException("interrupted", "interrupted", Duration.ofSeconds(1));
    }
  }

  static <T> List<List<T>> chunks(List<T> list, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i += size) {
      out.add(list.subList(i, Math.min(list.size(), i + size)));
    }
    return out;
  }
}
