package dev.tally.aggregator.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Accumulates everything one transaction does to one item (ADD counters, SET values, a version
 * condition) so that each item appears once per TransactWriteItems, as DynamoDB requires.
 */
final class ItemUpdate {
  private final String pk;
  private final String sk;
  private final Map<String, Long> adds = new LinkedHashMap<>();
  private final Map<String, AttributeValue> sets = new LinkedHashMap<>();
  private final List<SdkBytes> seen = new ArrayList<>();
  private Long expectedVersion;
  private boolean versioned;

  ItemUpdate(String pk, String sk) {
    this.pk = pk;
    this.sk = sk;
  }

  void add(String attribute, long amount) {
    if (amount != 0) {
      adds.merge(attribute, amount, Math::addExact);
    }
  }

  void set(String attribute, AttributeValue value) {
    sets.put(attribute, value);
  }

  void addSeen(SdkBytes hash) {
    seen.add(hash);
  }

  /** Guards the write with the version read earlier ({@code null}: the item must not exist). */
  void expectVersion(Long version) {
    this.versioned = true;
    this.expectedVersion = version;
  }

  boolean isEmpty() {
    return adds.isEmpty() && sets.isEmpty() && seen.isEmpty() && !versioned;
  }

  Update toUpdate(String table) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> addClauses = new ArrayList<>();
    List<String> setClauses = new ArrayList<>();
    int i = 0;
    for (var e : adds.entrySet()) {
      names.put("#a" + i, e.getKey());
      values.put(":a" + i, AttributeValue.fromN(Long.toString(e.getValue())));
      addClauses.add("#a" + i + " :a" + i);
      i++;
    }
    if (!seen.isEmpty()) {
      names.put("#seen", "seen");
      values.put(":seen", AttributeValue.fromBs(seen));
      addClauses.add("#seen :seen");
    }
    if (versioned) {
      names.put("#ver", "ver");
      values.put(":one", AttributeValue.fromN("1"));
      addClauses.add("#ver :one");
    }
    int j = 0;
    for (var e : sets.entrySet()) {
      names.put("#s" + j, e.getKey());
      values.put(":s" + j, e.getValue());
      setClauses.add("#s" + j + " = :s" + j);
      j++;
    }
    StringBuilder expr = new StringBuilder();
    if (!addClauses.isEmpty()) {
      expr.append("ADD ").append(String.join(", ", addClauses));
    }
    if (!setClauses.isEmpty()) {
      expr.append(expr.length() > 0 ? " " : "")
          .append("SET ")
          .append(String.join(", ", setClauses));
    }
    Update.Builder b =
        Update.builder()
            .tableName(table)
            .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))
            .updateExpression(expr.toString())
            .expressionAttributeNames(names)
            .expressionAttributeValues(values);
    if (versioned) {
      if (expectedVersion == null) {
        b.conditionExpression("attribute_not_exists(#ver)");
      } else {
        values.put(":ver", AttributeValue.fromN(Long.toString(expectedVersion)));
        b.conditionExpression("#ver = :ver").expressionAttributeValues(values);
      }
    }
    return b.build();
  }
}
