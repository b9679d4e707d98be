package dev.tally.dynamodb;

import dev.tally.core.error.RetryableException;
import dev.tally.core.port.DedupStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link DedupStore} on the dedup table ({@code pk = store#messageId}, TTL on {@code expiresAt}),
 * for ingest running on many instances (Lambda). Costs one write per new event.
 */
public final class DynamoDbDedupStore implements DedupStore {
  private final DynamoDbClient ddb;
  private final String table;
  private final Duration ttl;
  private final Clock clock;

  public DynamoDbDedupStore(DynamoDbClient ddb, String table, Duration ttl, Clock clock) {
    this.ddb = ddb;
    this.table = table;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public Set<String> seen(String storeId, Collection<String> messageIds) {
    Set<String> out = new HashSet<>();
    List<String> ids = new ArrayList<>(new HashSet<>(messageIds));
    long now = clock.instant().getEpochSecond();
    try {
      for (int i = 0; i < ids.size(); i += 100) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : ids.subList(i, Math.min(ids.size(), i + 100))) {
          keys.add(Map.of(Attr.PK, AttributeValue.fromS(storeId + "#" + id)));
        }
        Map<String, KeysAndAttributes> req =
            new HashMap<>(Map.of(table, KeysAndAttributes.builder().keys(keys).build()));
        while (!req.isEmpty()) {
          var r = ddb.batchGetItem(b -> b.requestItems(req));
          for (var item : r.responses().getOrDefault(table, List.of())) {
            AttributeValue exp = item.get(Attr.EXPIRES_AT);
            if (exp == null || Long.parseLong(exp.n()) > now) {
              String pk = item.get(Attr.PK).s();
              out.add(pk.substring(storeId.length() + 1));
            }
          }
          req.clear();
          if (r.hasUnprocessedKeys() && !r.unprocessedKeys().isEmpty()) {
            req.putAll(r.unprocessedKeys());
          }
        }
      }
    } catch (SdkException e) {
      throw new RetryableException(
          "dedup_unavailable", "dedup table unavailable", Duration.ofSeconds(1), e);
    }
    return out;
  }

  @Override
  public void remember(String storeId, Collection<String> messageIds) {
    String exp = Long.toString(clock.instant().plus(ttl).getEpochSecond());
    List<WriteRequest> writes = new ArrayList<>();
    for (String id : new HashSet<>(messageIds)) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put(Attr.PK, AttributeValue.fromS(storeId + "#" + id));
      item.put(Attr.EXPIRES_AT, AttributeValue.fromN(exp));
      writes.add(
          WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    try {
      for (int i = 0; i < writes.size(); i += 25) {
        Map<String, List<WriteRequest>> req =
            new HashMap<>(Map.of(table, writes.subList(i, Math.min(writes.size(), i + 25))));
        while (!req.isEmpty()) {
          var r = ddb.batchWriteItem(b -> b.requestItems(req));
          req.clear();
          if (r.hasUnprocessedItems() && !r.unprocessedItems().isEmpty()) {
            req.putAll(r.unprocessedItems());
          }
        }
      }
    } catch (SdkException e) {
      throw new RetryableException(
          "dedup_unavailable", "dedup table unavailable", Duration.ofSeconds(1), e);
    }
  }
}
