package dev.tally.dynamodb;

import dev.tally.core.error.RetryableException;
import dev.tally.core.error.TallyException;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemMath;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.retry.Backoff;
import dev.tally.dynamodb.internal.DynamoDbErrors;
import dev.tally.dynamodb.internal.Expressions;
import dev.tally.dynamodb.internal.ItemCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link ItemStore} on one DynamoDB table: {@code pk} + {@code sk} (the metrics table), or {@code
 * pk} only ({@link #keyOnly}: the stores and dedup tables, where every key's sort key is "").
 *
 * <ul>
 *   <li>One write is one UpdateItem / PutItem / DeleteItem (half the cost of a transaction);
 *       several are one TransactWriteItems. Conditions report the item as it was ({@code
 *       ReturnValuesOnConditionCheckFailure=ALL_OLD}).
 *   <li>Reads are strongly consistent; {@link #getAll} is BatchGetItem in chunks of 100, {@link
 *       #putAll} BatchWriteItem in chunks of 25, what DynamoDB leaves unprocessed is resent under
 *       the one {@link Backoff}.
 *   <li>Expired items ({@link ItemStore#EXPIRES_AT} passed, by the injected clock) are never
 *       returned and count as absent for conditions and updates, though DynamoDB's TTL deletes them
 *       up to days later.
 *   <li>Failures: {@link ConditionFailedException}; {@link RetryableException} for throttling, 5xx,
 *       conflicts and network trouble; a {@link TallyException} with code {@code write_rejected}
 *       (or {@code read_rejected}) for anything a retry cannot fix.
 * </ul>
 *
 * Every request asks for the consumed capacity; {@link #capacity()} adds it up.
 */
public final class DynamoDbItemStore implements ItemStore {
  /** Most writes of one TransactWriteItems. */
  public static final int MAX_WRITES = 100;

  static final int BATCH_GET = 100;
  static final int BATCH_WRITE = 25;

  /** Stands for "change nothing" in a transaction's update, which must have an expression. */
  static final String NOOP_ATTRIBUTE = "__tally_noop";

  private static final int MAX_ROUNDS = 4;

  private final DynamoDbClient ddb;
  private final String table;
  private final Clock clock;
  private final ItemCodec codec;
  private final Backoff backoff;
  private final LongAdder requests = new LongAdder();
  private final DoubleAdder readUnits = new DoubleAdder();
  private final DoubleAdder writeUnits = new DoubleAdder();

  /** Requests sent and capacity units DynamoDB reported as consumed, since the last reset. */
  public record Capacity(long requests, double readUnits, double writeUnits) {}

  private DynamoDbItemStore(Builder b) {
    this.ddb = Objects.requireNonNull(b.client, "client");
    this.table = Objects.requireNonNull(b.table, "table");
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.codec = new ItemCodec(b.keyOnly);
    this.backoff = b.backoff == null ? Backoff.create() : b.backoff;
  }

  /** A store on a {@code pk} + {@code sk} table. */
  public static DynamoDbItemStore create(DynamoDbClient ddb, String table, Clock clock) {
    return builder().client(ddb).table(table).clock(clock).build();
  }

  /** A store on a {@code pk}-only table: every key's sort key must be "". */
  public static DynamoDbItemStore keyOnly(DynamoDbClient ddb, String table, Clock clock) {
    return builder().client(ddb).table(table).clock(clock).keyOnly(true).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options; client and table are required, the clock defaults to UTC system time. */
  public static final class Builder {
    private DynamoDbClient client;
    private String table;
    private Clock clock;
    private boolean keyOnly;
    private Backoff backoff;

    private Builder() {}

    public Builder client(DynamoDbClient client) {
      this.client = client;
      return this;
    }

    public Builder table(String table) {
      this.table = table;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** True for a table whose key is {@code pk} only (default false: {@code pk} + {@code sk}). */
    public Builder keyOnly(boolean keyOnly) {
      this.keyOnly = keyOnly;
      return this;
    }

    /** The backoff for unprocessed batch items (default {@link Backoff.Config#DEFAULT}). */
    public Builder backoff(Backoff backoff) {
      this.backoff = backoff;
      return this;
    }

    public DynamoDbItemStore build() {
      return new DynamoDbItemStore(this);
    }
  }

  public String table() {
    return table;
  }

  /** Requests and consumed capacity units so far (for benchmarks: write units per event). */
  public Capacity capacity() {
    return new Capacity(requests.sum(), readUnits.sum(), writeUnits.sum());
  }

  public void resetCapacity() {
    requests.reset();
    readUnits.reset();
    writeUnits.reset();
  }

  @Override
  public int maxWritesPerCall() {
    return MAX_WRITES;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Item> get(ItemKey key) {
    Map<String, AttributeValue> k = codec.key(key);
    try {
      requests.increment();
      var r =
          ddb.getItem(
              b ->
                  b.tableName(table)
                      .key(k)
                      .consistentRead(true)
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
      count(r.consumedCapacity(), false);
      return Optional.ofNullable(live(r.hasItem() ? codec.decode(r.item()) : null));
    } catch (SdkException e) {
      throw DynamoDbErrors.translate(e, "GetItem", table, "read_rejected");
    }
  }

  @Override
  public Map<ItemKey, Item> getAll(Collection<ItemKey> keys) {
    List<ItemKey> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
    Map<ItemKey, Item> out = new HashMap<>();
    for (int i = 0; i < distinct.size(); i += BATCH_GET) {
      List<Map<String, AttributeValue>> chunk = new ArrayList<>();
      for (ItemKey k : distinct.subList(i, Math.min(distinct.size(), i + BATCH_GET))) {
        chunk.add(codec.key(k));
      }
      Map<String, KeysAndAttributes> pending = new HashMap<>();
      pending.put(table, KeysAndAttributes.builder().keys(chunk).consistentRead(true).build());
      backoff.untilDone(
          "dynamodb_throttled",
          "BatchGetItem on " + table,
          () -> {
            BatchGetItemResponse r;
            try {
              requests.increment();
              Map<String, KeysAndAttributes> call = Map.copyOf(pending);
              r =
                  ddb.batchGetItem(
                      b ->
                          b.requestItems(call)
                              .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            } catch (SdkException e) {
              throw DynamoDbErrors.translate(e, "BatchGetItem", table, "read_rejected");
            }
            r.consumedCapacity().forEach(c -> count(c, false));
            for (Map<String, AttributeValue> raw : r.responses().getOrDefault(table, List.of())) {
              Item item = live(codec.decode(raw));
              if (item != null) {
                out.put(item.key(), item);
              }
            }
            pending.clear();
            if (r.hasUnprocessedKeys()) {
              pending.putAll(r.unprocessedKeys());
            }
            return pending.isEmpty();
          });
    }
    return out;
  }

  @Override
  public List<Item> query(ItemQuery q) {
    if (codec.keyOnly()) {
      // One item per partition: the query is a read of that item.
      return get(ItemKey.of(q.pk(), "")).filter(i -> q.covers("")).stream().toList();
    }
    List<Item> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#pk", Attr.PK);
    values.put(":pk", AttributeValue.fromS(q.pk()));
    String keyCondition = "#pk = :pk";
    if (q.fromSk() != null) {
      names.put("#sk", Attr.SK);
      values.put(":from", AttributeValue.fromS(q.fromSk()));
      values.put(":to", AttributeValue.fromS(q.toSk()));
      keyCondition += " AND #sk BETWEEN :from AND :to";
    }
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder b =
          QueryRequest.builder()
              .tableName(table)
              .keyConditionExpression(keyCondition)
              .expressionAttributeNames(names)
              .expressionAttributeValues(values)
              .consistentRead(true)
              .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
              .exclusiveStartKey(start);
      if (q.limit() > 0) {
        b.limit(q.limit() - out.size());
      }
      QueryResponse r;
      try {
        requests.increment();
        r = ddb.query(b.build());
      } catch (SdkException e) {
        throw DynamoDbErrors.translate(e, "Query", table, "read_rejected");
      }
      count(r.consumedCapacity(), false);
      for (Map<String, AttributeValue> raw : r.items()) {
        Item item = live(codec.decode(raw));
        if (item != null) {
          out.add(item);
        }
      }
      start =
          r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    } while (start != null && (q.limit() == 0 || out.size() < q.limit()));
    return out;
  }

  // ---------------------------------------------------------------- writes

  /** One write as sent: the caller's, or a put that replaces an expired item it updates. */
  private record Planned(ItemWrite write, boolean replacesExpired) {}

  /** The writes whose conditions failed, with the stored item DynamoDB returned (or null). */
  private static final class Refused extends RuntimeException {
    final Map<Integer, Map<String, AttributeValue>> failed;

    Refused(Map<Integer, Map<String, AttributeValue>> failed) {
      super(null, null, false, false);
      this.failed = failed;
    }
  }

  @Override
  public void write(List<? extends ItemWrite> writes) {
    InMemoryItemStore.Writes.check(writes, MAX_WRITES);
    List<Planned> plan = new ArrayList<>();
    for (ItemWrite w : writes) {
      codec.key(w.key());
      plan.add(new Planned(w, false));
    }
    for (int round = 0; round < MAX_ROUNDS; round++) {
      long now = clock.instant().getEpochSecond();
      Refused refused;
      try {
        send(plan, now);
        return;
      } catch (Refused r) {
        refused = r;
      }
      List<Integer> failed = new ArrayList<>();
      Map<Integer, Item> current = new HashMap<>();
      for (var e : refused.failed.entrySet()) {
        int i = e.getKey();
        ItemWrite asked = writes.get(i);
        Item stored = codec.decode(e.getValue());
        Item live = stored == null || ItemMath.expired(stored, now) ? null : stored;
        if (!asked.condition().test(live)) {
          failed.add(i);
          if (live != null) {
            current.put(i, live);
          }
        } else if (asked instanceof ItemWrite.Update u && stored != null && live == null) {
          // The item is expired but not deleted yet: write what the update makes of no item.
          plan.set(i, new Planned(ItemWrite.put(ItemMath.apply(null, u), asked.condition()), true));
        } else {
          // The item changed since (TTL deleted it): send the caller's write again.
          plan.set(i, new Planned(asked, false));
        }
      }
      if (!failed.isEmpty()) {
        failed.sort(null);
        throw new ConditionFailedException(failed, current);
      }
    }
    throw new RetryableException(
        "write_conflict",
        "items on " + table + " kept changing between attempts",
        DynamoDbErrors.RETRY_AFTER);
  }

  private void send(List<Planned> plan, long now) {
    if (plan.size() == 1) {
      sendOne(plan.get(0), now);
    } else {
      sendTransaction(plan, now);
    }
  }

  private void sendOne(Planned p, long now) {
    Expressions x = new Expressions(now);
    ItemWrite w = p.write();
    String condition = p.replacesExpired() ? x.expired() : x.condition(w);
    try {
      requests.increment();
      if (w instanceof ItemWrite.Update u) {
        String update = x.update(u);
        var r =
            ddb.updateItem(
                b ->
                    b.tableName(table)
                        .key(codec.key(u.key()))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeNames(x.namesOrNull())
                        .expressionAttributeValues(x.valuesOrNull())
                        .returnValuesOnConditionCheckFailure(
                            ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(r.consumedCapacity(), true);
      } else if (w instanceof ItemWrite.Put put) {
        var r =
            ddb.putItem(
                b ->
                    b.tableName(table)
                        .item(codec.item(put.item()))
                        .conditionExpression(condition)
                        .expressionAttributeNames(x.namesOrNull())
                        .expressionAttributeValues(x.valuesOrNull())
                        .returnValuesOnConditionCheckFailure(
                            ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(r.consumedCapacity(), true);
      } else {
        var r =
            ddb.deleteItem(
                b ->
                    b.tableName(table)
                        .key(codec.key(w.key()))
                        .conditionExpression(condition)
                        .expressionAttributeNames(x.namesOrNull())
                        .expressionAttributeValues(x.valuesOrNull())
                        .returnValuesOnConditionCheckFailure(
                            ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(r.consumedCapacity(), true);
      }
    } catch (ConditionalCheckFailedException e) {
      Map<Integer, Map<String, AttributeValue>> failed = new HashMap<>();
      failed.put(0, e.hasItem() ? e.item() : null);
      throw new Refused(failed);
    } catch (SdkException e) {
      throw DynamoDbErrors.translate(e, operation(w), table, "write_rejected");
    }
  }

  private void sendTransaction(List<Planned> plan, long now) {
    List<TransactWriteItem> items = new ArrayList<>(plan.size());
    for (Planned p : plan) {
      items.add(transactItem(p, now));
    }
    try {
      requests.increment();
      var r =
          ddb.transactWriteItems(
              b -> b.transactItems(items).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
      if (r.hasConsumedCapacity()) {
        r.consumedCapacity().forEach(c -> count(c, true));
      }
    } catch (TransactionCanceledException e) {
      throw cancelled(e);
    } catch (SdkException e) {
      throw DynamoDbErrors.translate(e, "TransactWriteItems", table, "write_rejected");
    }
  }

  private TransactWriteItem transactItem(Planned p, long now) {
    Expressions x = new Expressions(now);
    ItemWrite w = p.write();
    String condition = p.replacesExpired() ? x.expired() : x.condition(w);
    var allOld = ReturnValuesOnConditionCheckFailure.ALL_OLD;
    if (w instanceof ItemWrite.Update u) {
      String update = x.update(u);
      if (update == null) {
        update = "REMOVE #noop";
        x.names().put("#noop", NOOP_ATTRIBUTE);
      }
      return TransactWriteItem.builder()
          .update(
              Update.builder()
                  .tableName(table)
                  .key(codec.key(u.key()))
                  .updateExpression(update)
                  .conditionExpression(condition)
                  .expressionAttributeNames(x.namesOrNull())
                  .expressionAttributeValues(x.valuesOrNull())
                  .returnValuesOnConditionCheckFailure(allOld)
                  .build())
          .build();
    }
    if (w instanceof ItemWrite.Put put) {
      return TransactWriteItem.builder()
          .put(
              Put.builder()
                  .tableName(table)
                  .item(codec.item(put.item()))
                  .conditionExpression(condition)
                  .expressionAttributeNames(x.namesOrNull())
                  .expressionAttributeValues(x.valuesOrNull())
                  .returnValuesOnConditionCheckFailure(allOld)
                  .build())
          .build();
    }
    return TransactWriteItem.builder()
        .delete(
            Delete.builder()
                .tableName(table)
                .key(codec.key(w.key()))
                .conditionExpression(condition)
                .expressionAttributeNames(x.namesOrNull())
                .expressionAttributeValues(x.valuesOrNull())
                .returnValuesOnConditionCheckFailure(allOld)
                .build())
        .build();
  }

  /**
   * What a cancelled transaction means: a rejected write (too large, …) beats failed conditions,
   * which beat conflicts and throttling.
   */
  private RuntimeException cancelled(TransactionCanceledException e) {
    List<CancellationReason> reasons =
        e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
    Map<Integer, Map<String, AttributeValue>> failed = new LinkedHashMap<>();
    List<String> retryable = new ArrayList<>();
    for (int i = 0; i < reasons.size(); i++) {
      CancellationReason r = reasons.get(i);
      String code = r.code() == null ? "None" : r.code();
      if (code.equals("None")) {
        continue;
      }
      if (code.equals("ConditionalCheckFailed")) {
        failed.put(i, r.hasItem() ? r.item() : null);
      } else if (DynamoDbErrors.retryableReason(code)) {
        retryable.add(i + ":" + code);
      } else {
        return new TallyException(
            "write_rejected",
            "TransactWriteItems on "
                + table
                + " rejected write "
                + i
                + ": "
                + code
                + (r.message() == null ? "" : " (" + r.message() + ")"),
            e);
      }
    }
    if (!failed.isEmpty()) {
      return new Refused(failed);
    }
    return new RetryableException(
        "dynamodb_unavailable",
        "TransactWriteItems on "
            + table
            + " cancelled "
            + (retryable.isEmpty() ? "without a reason" : retryable)
            + "; may succeed later",
        DynamoDbErrors.RETRY_AFTER,
        e);
  }

  @Override
  public void putAll(Collection<Item> items) {
    Map<ItemKey, Item> last = new LinkedHashMap<>();
    for (Item i : items) {
      last.remove(i.key());
      last.put(i.key(), i);
    }
    List<WriteRequest> writes = new ArrayList<>(last.size());
    for (Item i : last.values()) {
      writes.add(
          WriteRequest.builder()
              .putRequest(PutRequest.builder().item(codec.item(i)).build())
              .build());
    }
    batchWrite(writes);
  }

  /** Unconditional deletes, not atomic as a whole: for offline jobs (a rebuild's switch). */
  public void deleteAll(Collection<ItemKey> keys) {
    List<WriteRequest> writes = new ArrayList<>(keys.size());
    for (ItemKey k : new LinkedHashSet<>(keys)) {
      writes.add(
          WriteRequest.builder()
              .deleteRequest(DeleteRequest.builder().key(codec.key(k)).build())
              .build());
    }
    batchWrite(writes);
  }

  /**
   * Every live item whose partition key starts with {@code pkPrefix} (and whose sort key is {@code
   * sk}, unless null), in no particular order: a paged, strongly consistent Scan of the whole
   * table, billed as such. For offline jobs (a rebuild), never on a read path.
   */
  public void scan(String pkPrefix, String sk, Consumer<Item> sink) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#pk", Attr.PK);
    values.put(":p", AttributeValue.fromS(pkPrefix));
    String filter = "begins_with(#pk, :p)";
    if (sk != null) {
      names.put("#sk", Attr.SK);
      values.put(":s", AttributeValue.fromS(sk));
      filter += " AND #sk = :s";
    }
    String f = filter;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse r;
      try {
        requests.increment();
        r =
            ddb.scan(
                b ->
                    b.tableName(table)
                        .filterExpression(f)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .consistentRead(true)
                        .exclusiveStartKey(from)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
      } catch (SdkException e) {
        throw DynamoDbErrors.translate(e, "Scan", table, "read_rejected");
      }
      count(r.consumedCapacity(), false);
      for (Map<String, AttributeValue> raw : r.items()) {
        Item item = live(codec.decode(raw));
        if (item != null) {
          sink.accept(item);
        }
      }
      start =
          r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    } while (start != null);
  }

  /** BatchWriteItem in calls of 25, retrying what DynamoDB leaves unprocessed. */
  private void batchWrite(List<WriteRequest> writes) {
    for (int i = 0; i < writes.size(); i += BATCH_WRITE) {
      Map<String, List<WriteRequest>> pending = new HashMap<>();
      pending.put(table, writes.subList(i, Math.min(writes.size(), i + BATCH_WRITE)));
      backoff.untilDone(
          "dynamodb_throttled",
          "BatchWriteItem on " + table,
          () -> {
            BatchWriteItemResponse r;
            try {
              requests.increment();
              Map<String, List<WriteRequest>> call = Map.copyOf(pending);
              r =
                  ddb.batchWriteItem(
                      b ->
                          b.requestItems(call)
                              .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            } catch (SdkException e) {
              throw DynamoDbErrors.translate(e, "BatchWriteItem", table, "write_rejected");
            }
            r.consumedCapacity().forEach(c -> count(c, true));
            pending.clear();
            if (r.hasUnprocessedItems()) {
              pending.putAll(r.unprocessedItems());
            }
            return pending.isEmpty();
          });
    }
  }

  // ---------------------------------------------------------------- helpers

  private Item live(Item i) {
    return i == null || ItemMath.expired(i, clock.instant().getEpochSecond()) ? null : i;
  }

  private void count(ConsumedCapacity c, boolean write) {
    if (c == null) {
      return;
    }
    if (c.readCapacityUnits() != null || c.writeCapacityUnits() != null) {
      readUnits.add(c.readCapacityUnits() == null ? 0 : c.readCapacityUnits());
      writeUnits.add(c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits());
    } else if (c.capacityUnits() != null) {
      (write ? writeUnits : readUnits).add(c.capacityUnits());
    }
  }

  private static String operation(ItemWrite w) {
    return w instanceof ItemWrite.Update
        ? "UpdateItem"
        : w instanceof ItemWrite.Put ? "PutItem" : "DeleteItem";
  }
}
