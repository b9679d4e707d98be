package dev.tally.aggregator.testing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads the metrics table back into the {@link Oracle}'s shape, summing store-day shards. */
public final class MetricTable {
  /** Bookkeeping attributes that are not metrics. */
  private static final Set<String> INTERNAL = Set.of("pk", "sk", "seen", "ver");

  private MetricTable() {}

  public static Map<String, Map<String, Long>> read(
      DynamoDbClient ddb, String table, String store) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (var item : ddb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()) {
      String pk = item.get("pk").s();
      String sk = item.get("sk").s();
      String key;
      if (pk.startsWith(store + "#USER#")) {
        key = "USER|" + pk.substring((store + "#USER#").length()) + "|" + day(sk);
      } else if (pk.startsWith(store + "#STORE#SHARD#")) {
        key = "STORE|" + day(sk);
      } else if (pk.startsWith(store + "#PRODUCTS#DAY#")) {
        // Bucket items hold "counter:productId" attributes; spread them back out per product.
        String day = pk.substring((store + "#PRODUCTS#DAY#").length());
        for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
          String[] cp = dev.tally.core.item.MetricKeys.parseProductAttribute(a.getKey());
          if (cp != null && a.getValue().n() != null) {
            out.computeIfAbsent("PRODUCT|" + cp[1] + "|" + day, k -> new TreeMap<>())
                .merge(cp[0], Long.parseLong(a.getValue().n()), Long::sum);
          }
        }
        continue;
      } else {
        continue;
      }
      Map<String, Long> m = out.computeIfAbsent(key, k -> new TreeMap<>());
      for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
        if (!INTERNAL.contains(a.getKey()) && a.getValue().n() != null) {
          long v = Long.parseLong(a.getValue().n());
          if (v != 0 || !key.startsWith("STORE|")) {
            m.merge(a.getKey(), v, Long::sum);
          }
        }
      }
    }
    return out;
  }

  /**
   * The stored links as "anon→user" strings: from the alias items, and (prefixed "via-user:") from
   * the per-user LINKS partitions the query side reads; both must agree.
   */
  public static java.util.List<String> links(DynamoDbClient ddb, String table, String store) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (var item : ddb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()) {
      String pk = item.get("pk").s();
      if (pk.startsWith(store + "#ALIAS#")) {
        out.add(pk.substring((store + "#ALIAS#").length()) + "→" + item.get("userId").s());
      } else if (pk.startsWith(store + "#LINKS#")) {
        out.add(
            "via-user:"
                + item.get("sk").s().substring("ANON#".length())
                + "→"
                + pk.substring((store + "#LINKS#").length()));
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  private static String day(String sk) {
    return sk.substring("DAY#".length());
  }
}
