package dev.tally.aggregator.dynamodb;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.item.MetricKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Anonymous-id → user-id links. The first link of an anonymous id wins (a shared device signs out
 * with {@code reset()}, which starts a new anonymous id). Writing a link is idempotent, so it
 * happens before counting and needs no exactly-once bookkeeping.
 */
final class IdentityLinks {
  private final DynamoDbClient ddb;
  private final String table;

  IdentityLinks(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** Records the links these events carry and returns anonymous id → user id for all of them. */
  Map<String, String> linkAndResolve(String store, List<Event> events, WriteStats stats) {
    Map<String, String> carried = new LinkedHashMap<>();
    List<String> anonymous = new ArrayList<>();
    for (Event e : events) {
      EventHeader h = e.header();
      if (h.anonymousId() != null && h.userId() != null) {
        carried.putIfAbsent(h.anonymousId(), h.userId());
      }
      if (e instanceof AliasEvent a && !a.previousId().equals(h.userId())) {
        carried.putIfAbsent(a.previousId(), h.userId());
      }
      if (h.anonymousId() != null) {
        anonymous.add(h.anonymousId());
      }
    }
    anonymous.addAll(carried.keySet());
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (String anon : anonymous.stream().distinct().toList()) {
      keys.add(DdbIo.key(MetricKeys.aliasPk(store, anon), MetricKeys.ALIAS_SK));
    }
    Map<String, String> resolved = new HashMap<>();
    DdbIo.batchGet(ddb, table, keys)
        .forEach(
            (id, item) -> {
              String pk = item.get("pk").s();
              String anon = pk.substring(pk.indexOf("#ALIAS#") + "#ALIAS#".length());
              resolved.put(anon, item.get(MetricKeys.USER_ID).s());
            });
    for (var link : carried.entrySet()) {
      if (!resolved.containsKey(link.getKey())) {
        resolved.put(link.getKey(), write(store, link.getKey(), link.getValue(), stats));
      }
    }
    return resolved;
  }

  /**
   * Writes both directions of a link in one transaction, so a crash never leaves an alias whose
   * user cannot find it (a retry finds the alias and would not write the other half).
   */
  private String write(String store, String anon, String userId, WriteStats stats) {
    Put alias =
        Put.builder()
            .tableName(table)
            .item(
                Map.of(
                    "pk",
                    AttributeValue.fromS(MetricKeys.aliasPk(store, anon)),
                    "sk",
                    AttributeValue.fromS(MetricKeys.ALIAS_SK),
                    MetricKeys.USER_ID,
                    AttributeValue.fromS(userId)))
            .conditionExpression("attribute_not_exists(pk)")
            .build();
    Put reverse =
        Put.builder()
            .tableName(table)
            .item(
                Map.of(
                    "pk", AttributeValue.fromS(MetricKeys.linksPk(store, userId)),
                    "sk", AttributeValue.fromS(MetricKeys.linkSk(anon))))
            .build();
    try {
      var r =
          ddb.transactWriteItems(
              b ->
                  b.transactItems(
                          TransactWriteItem.builder().put(alias).build(),
                          TransactWriteItem.builder().put(reverse).build())
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
      stats.record(r.consumedCapacity());
      return userId;
    } catch (TransactionCanceledException e) {
      stats.requests++;
      // Linked concurrently: the stored link wins.
      var item =
          ddb.getItem(
                  b ->
                      b.tableName(table)
                          .consistentRead(true)
                          .key(DdbIo.key(MetricKeys.aliasPk(store, anon), MetricKeys.ALIAS_SK)))
              .item();
      if (item == null || !item.containsKey(MetricKeys.USER_ID)) {
        throw new RetryableException(
            "link_conflict",
            "linking " + anon + " was refused: " + e.cancellationReasons(),
            Duration.ofSeconds(1),
            e);
      }
      return item.get(MetricKeys.USER_ID).s();
    } catch (SdkException e) {
      throw DdbIo.unavailable(e);
    }
  }
}
