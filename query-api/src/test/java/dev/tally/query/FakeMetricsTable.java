package dev.tally.query;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * An in-memory stand-in for the metrics table, for unit tests of the query logic only: it answers
 * {@code query} with {@code pk = :pk [AND sk BETWEEN :a AND :b]} and counts the calls. The real
 * table is exercised by the ITs on DynamoDB Local.
 */
final class FakeMetricsTable {
  private final Map<String, Map<String, Map<String, AttributeValue>>> items = new HashMap<>();
  int queries;

  void put(String pk, String sk, Map<String, AttributeValue> attrs) {
    Map<String, AttributeValue> item = new HashMap<>(attrs);
    item.put("pk", AttributeValue.fromS(pk));
    item.put("sk", AttributeValue.fromS(sk));
    items.computeIfAbsent(pk, k -> new java.util.TreeMap<>()).put(sk, item);
  }

  /** The stored item, or null. */
  Map<String, AttributeValue> item(String pk, String sk) {
    return items.getOrDefault(pk, java.util.Map.of()).get(sk);
  }

  /** Adds numbers to the item (merging with what it holds, as several products share a bucket). */
  void putNumbers(String pk, String sk, Map<String, Long> numbers) {
    Map<String, AttributeValue> attrs = new HashMap<>();
    var existing = items.getOrDefault(pk, java.util.Map.of()).get(sk);
    if (existing != null) {
      existing.forEach(
          (k, v) -> {
            if (!k.equals("pk") && !k.equals("sk")) {
              attrs.put(k, v);
            }
          });
    }
    numbers.forEach((k, v) -> attrs.put(k, AttributeValue.fromN(Long.toString(v))));
    put(pk, sk, attrs);
  }

  @SuppressWarnings("unchecked")
  DynamoDbClient client() {
    return (DynamoDbClient)
        Proxy.newProxyInstance(
            DynamoDbClient.class.getClassLoader(),
            new Class<?>[] {DynamoDbClient.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("query")) {
                throw new UnsupportedOperationException(method.getName());
              }
              QueryRequest req;
              if (args[0] instanceof QueryRequest r) {
                req = r;
              } else {
                QueryRequest.Builder b = QueryRequest.builder();
                ((Consumer<QueryRequest.Builder>) args[0]).accept(b);
                req = b.build();
              }
              return answer(req);
            });
  }

  private QueryResponse answer(QueryRequest req) {
    queries++;
    Map<String, AttributeValue> v = req.expressionAttributeValues();
    String pk = v.get(":pk").s();
    String a = v.containsKey(":a") ? v.get(":a").s() : "";
    String b = v.containsKey(":b") ? v.get(":b").s() : "\uffff";
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    items
        .getOrDefault(pk, Map.of())
        .forEach(
            (sk, item) -> {
              if (sk.compareTo(a) >= 0 && sk.compareTo(b) <= 0) {
                out.add(item);
              }
            });
    return QueryResponse.builder().items(out).build();
  }
}
