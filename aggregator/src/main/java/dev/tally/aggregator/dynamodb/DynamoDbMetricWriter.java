package dev.tally.aggregator.dynamodb;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.MetricWriter;
import dev.tally.core.agg.Aggregation;
import dev.tally.core.agg.Counter;
import dev.tally.core.agg.Deltas;
import dev.tally.core.agg.FunnelState;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Keys;
import dev.tally.core.agg.OrderMath;
import dev.tally.core.agg.ProductCounter;
import dev.tally.core.agg.ResolvedEvent;
import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Writes metrics to the metrics table with an exactly-once effect per message id.
 *
 * <p>How: events are cut into chunks that touch at most 100 items. For each chunk the person-day
 * items are read (strongly consistent); events whose message-id hash is already in their device-day
 * item's {@code seen} set are dropped; the rest are aggregated by the pure core and written in one
 * TransactWriteItems that also adds their hashes to {@code seen}, guarded by the items' versions. A
 * redelivered or half-applied batch therefore finds its counted events marked and counts only the
 * rest; a concurrent writer makes the version check fail and the chunk is recomputed. Links and HLL
 * sketches are idempotent and written first.
 */
public final class DynamoDbMetricWriter implements MetricWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbMetricWriter.class);

  private final DynamoDbClient ddb;
  private final String table;
  private final AggregatorConfig config;
  private final IdentityLinks links;
  private final SketchWriter sketches;

  public DynamoDbMetricWriter(DynamoDbClient ddb, String table, AggregatorConfig config) {
    this.ddb = ddb;
    this.table = table;
    this.config = config;
    this.links = new IdentityLinks(ddb, table);
    this.sketches = new SketchWriter(ddb, table, config.maxAttempts());
  }

  @Override
  public ApplyResult apply(Store store, List<Event> events) {
    WriteStats stats = new WriteStats();
    Map<String, String> linked = links.linkAndResolve(store.id(), events, stats);
    Map<String, ResolvedEvent> unique = new LinkedHashMap<>();
    int repeats = 0;
    for (Event e : events) {
      if (!e.isActivity()) {
        continue;
      }
      if (unique.putIfAbsent(e.messageId(), resolve(e, linked)) != null) {
        repeats++;
      }
    }
    List<ResolvedEvent> activity = new ArrayList<>(unique.values());
    Aggregation aggregation = new Aggregation(store, config.shards());
    sketches.add(store.id(), aggregation.aggregate(activity).reached(), stats);

    ApplyResult result = new ApplyResult(0, repeats, 0, 0, 0);
    for (List<ResolvedEvent> chunk : chunks(store, activity)) {
      result = result.plus(applyChunk(store, aggregation, chunk, stats));
    }
    return new ApplyResult(
        result.counted(),
        result.alreadyCounted(),
        result.transactions(),
        stats.requests,
        stats.units);
  }

  private static ResolvedEvent resolve(Event e, Map<String, String> linked) {
    var h = e.header();
    if (h.userId() != null) {
      return new ResolvedEvent(e, h.userId());
    }
    return new ResolvedEvent(e, linked.getOrDefault(h.anonymousId(), h.anonymousId()));
  }

  /** Cuts events into chunks whose writes touch at most the transaction limit of items. */
  private List<List<ResolvedEvent>> chunks(Store store, List<ResolvedEvent> events) {
    List<ResolvedEvent> sorted = new ArrayList<>(events);
    sorted.sort(
        Comparator.comparing((ResolvedEvent r) -> r.event().header().deviceId())
            .thenComparing(r -> r.event().header().timestamp()));
    List<List<ResolvedEvent>> out = new ArrayList<>();
    List<ResolvedEvent> current = new ArrayList<>();
    Set<String> items = new HashSet<>();
    for (ResolvedEvent r : sorted) {
      Set<String> touched = itemsOf(store, r);
      Set<String> union = new HashSet<>(items);
      union.addAll(touched);
      if (!current.isEmpty() && union.size() > config.maxItemsPerTransaction()) {
        out.add(current);
        current = new ArrayList<>();
        union = new HashSet<>(touched);
      }
      current.add(r);
      items = union;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** An upper bound of the items one event's writes touch. */
  private Set<String> itemsOf(Store store, ResolvedEvent r) {
    var h = r.event().header();
    LocalDate day = DayBucketer.day(h.timestamp(), store.timezone());
    String sk = MetricKeys.daySk(day);
    Set<String> s = new LinkedHashSet<>();
    s.add(DdbIo.id(MetricKeys.userPk(store.id(), r.uid()), sk));
    s.add(DdbIo.id(MetricKeys.userPk(store.id(), h.deviceId()), sk));
    s.add(
        DdbIo.id(MetricKeys.storeShardPk(store.id(), Keys.shardOf(r.uid(), config.shards())), sk));
    s.add(
        DdbIo.id(
            MetricKeys.storeShardPk(store.id(), Keys.shardOf(h.deviceId(), config.shards())), sk));
    if (r.event() instanceof TrackEvent t) {
      Props p = t.properties();
      String id = OrderMath.productId(p);
      if (id != null) {
        s.add(DdbIo.id(MetricKeys.productsPk(store.id(), day), MetricKeys.productBucketSk(id)));
      }
      var products = p.get("products");
      if (products != null && products.isArray()) {
        for (var prod : products) {
          String pid = OrderMath.productId(prod);
          if (pid != null) {
            s.add(
                DdbIo.id(MetricKeys.productsPk(store.id(), day), MetricKeys.productBucketSk(pid)));
          }
        }
      }
    }
    return s;
  }

  private ApplyResult applyChunk(
      Store store, Aggregation aggregation, List<ResolvedEvent> chunk, WriteStats stats) {
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Map<String, PersonDay> state = readPersonDays(store, chunk);
      List<ResolvedEvent> fresh = new ArrayList<>();
      Map<String, List<SdkBytes>> newSeen = new HashMap<>();
      for (ResolvedEvent r : chunk) {
        String deviceItem = deviceItem(store, r);
        long hash = hash(r.event().messageId());
        if (!state.getOrDefault(deviceItem, PersonDay.ABSENT).seen().contains(hash)) {
          fresh.add(r);
          newSeen.computeIfAbsent(deviceItem, k -> new ArrayList<>()).add(bytes(hash));
        }
      }
      if (fresh.isEmpty()) {
        return new ApplyResult(0, chunk.size(), 0, 0, 0);
      }
      Deltas d = aggregation.aggregate(fresh);
      Map<String, ItemUpdate> updates = updates(store, d, state, newSeen);
      List<TransactWriteItem> items = new ArrayList<>();
      for (ItemUpdate u : updates.values()) {
        items.add(TransactWriteItem.builder().update(u.toUpdate(table)).build());
      }
      try {
        TransactWriteItemsResponse r =
            ddb.transactWriteItems(
                b -> b.transactItems(items).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        stats.record(r.consumedCapacity());
        return new ApplyResult(fresh.size(), chunk.size() - fresh.size(), 1, 0, 0);
      } catch (TransactionCanceledException e) {
        stats.requests++;
        if (!retryable(e)) {
          throw new IllegalStateException("transaction refused: " + e.cancellationReasons(), e);
        }
        LOG.debug("chunk conflicted (attempt {}): {}", attempt, e.cancellationReasons());
        DdbIo.backoff(attempt);
      } catch (SdkException e) {
        throw DdbIo.unavailable(e);
      }
    }
    throw new RetryableException(
        "write_conflict",
        "metrics kept changing under a chunk; it will be retried",
        Duration.ofSeconds(1));
  }

  private static boolean retryable(TransactionCanceledException e) {
    if (!e.hasCancellationReasons()) {
      return true;
    }
    for (CancellationReason r : e.cancellationReasons()) {
      String code = r.code();
      if (code != null
          && !code.equals("None")
          && !code.equals("ConditionalCheckFailed")
          && !code.equals("TransactionConflict")
          && !code.equals("ThrottlingError")
          && !code.equals("ProvisionedThroughputExceeded")) {
        return false;
      }
    }
    return true;
  }

  private Map<String, ItemUpdate> updates(
      Store store, Deltas d, Map<String, PersonDay> state, Map<String, List<SdkBytes>> newSeen) {
    Map<String, ItemUpdate> out = new LinkedHashMap<>();
    String s = store.id();
    d.users()
        .forEach(
            (key, activity) -> {
              String pk = MetricKeys.userPk(s, key.id());
              String sk = MetricKeys.daySk(key.day());
              ItemUpdate u = person(out, state, pk, sk);
              activity.counts().nonZero().forEach((c, v) -> u.add(c.attribute(), v));
              PersonDay p = state.getOrDefault(DdbIo.id(pk, sk), PersonDay.ABSENT);
              long first = activity.firstSeen().toEpochMilli();
              long last = activity.lastSeen().toEpochMilli();
              if (p.firstSeen() == null || first < p.firstSeen()) {
                u.set(MetricKeys.FIRST_SEEN, AttributeValue.fromN(Long.toString(first)));
              }
              if (p.lastSeen() == null || last > p.lastSeen()) {
                u.set(MetricKeys.LAST_SEEN, AttributeValue.fromN(Long.toString(last)));
              }
            });
    d.devices()
        .forEach(
            (key, steps) -> {
              String pk = MetricKeys.userPk(s, key.id());
              String sk = MetricKeys.daySk(key.day());
              ItemUpdate u = person(out, state, pk, sk);
              PersonDay p = state.getOrDefault(DdbIo.id(pk, sk), PersonDay.ABSENT);
              int reached = FunnelStep.toBits(steps);
              int fresh = FunnelState.newSteps(p.steps(), reached);
              if (fresh != 0) {
                u.set(
                    MetricKeys.STEPS, AttributeValue.fromN(Integer.toString(p.steps() | reached)));
                ItemUpdate shard =
                    plain(
                        out,
                        MetricKeys.storeShardPk(s, Keys.shardOf(key.id(), config.shards())),
                        sk);
                for (FunnelStep step : FunnelStep.fromBits(fresh)) {
                  shard.add(step.attribute(), 1);
                }
              }
              newSeen.getOrDefault(DdbIo.id(pk, sk), List.of()).forEach(u::addSeen);
            });
    d.store()
        .forEach(
            (key, counts) -> {
              ItemUpdate u =
                  plain(out, MetricKeys.storeShardPk(s, key.shard()), MetricKeys.daySk(key.day()));
              counts.nonZero().forEach((Counter c, Long v) -> u.add(c.attribute(), v));
            });
    d.products()
        .forEach(
            (key, counts) -> {
              ItemUpdate u =
                  plain(
                      out,
                      MetricKeys.productsPk(s, key.day()),
                      MetricKeys.productBucketSk(key.productId()));
              counts
                  .nonZero()
                  .forEach(
                      (ProductCounter c, Long v) ->
                          u.add(MetricKeys.productAttribute(c.attribute(), key.productId()), v));
            });
    out.values().removeIf(ItemUpdate::isEmpty);
    return out;
  }

  private static ItemUpdate person(
      Map<String, ItemUpdate> out, Map<String, PersonDay> state, String pk, String sk) {
    String id = DdbIo.id(pk, sk);
    return out.computeIfAbsent(
        id,
        k -> {
          ItemUpdate u = new ItemUpdate(pk, sk);
          u.expectVersion(state.getOrDefault(id, PersonDay.ABSENT).version());
          return u;
        });
  }

  private static ItemUpdate plain(Map<String, ItemUpdate> out, String pk, String sk) {
    return out.computeIfAbsent(DdbIo.id(pk, sk), k -> new ItemUpdate(pk, sk));
  }

  private Map<String, PersonDay> readPersonDays(Store store, List<ResolvedEvent> chunk) {
    Set<String> ids = new LinkedHashSet<>();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (ResolvedEvent r : chunk) {
      LocalDate day = DayBucketer.day(r.event().header().timestamp(), store.timezone());
      String sk = MetricKeys.daySk(day);
      for (String id : new String[] {r.uid(), r.event().header().deviceId()}) {
        String pk = MetricKeys.userPk(store.id(), id);
        if (ids.add(DdbIo.id(pk, sk))) {
          keys.add(DdbIo.key(pk, sk));
        }
      }
    }
    Map<String, PersonDay> out = new HashMap<>();
    DdbIo.batchGet(ddb, table, keys).forEach((id, item) -> out.put(id, PersonDay.from(item)));
    return out;
  }

  private static String deviceItem(Store store, ResolvedEvent r) {
    var h = r.event().header();
    return DdbIo.id(
        MetricKeys.userPk(store.id(), h.deviceId()),
        MetricKeys.daySk(DayBucketer.day(h.timestamp(), store.timezone())));
  }

  /** First 8 bytes of SHA-256 of the message id: the per-event exactly-once mark. */
  static long hash(String messageId) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SdkBytes bytes(long hash) {
    return SdkBytes.fromByteArray(ByteBuffer.allocate(8).putLong(hash).array());
  }
}
