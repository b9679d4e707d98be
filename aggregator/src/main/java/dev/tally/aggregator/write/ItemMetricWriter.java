package dev.tally.aggregator.write;

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
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
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
 *
 * <p>Written once over the {@link ItemStore} port, so every engine (DynamoDB, the embedded SQLite
 * engine) counts with the same algorithm; only the size of one atomic write differs by engine.
 */
public final class ItemMetricWriter implements MetricWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ItemMetricWriter.class);

  private final ItemStore items;
  private final AggregatorConfig config;
  private final int maxItemsPerWrite;
  private final IdentityLinks links;
  private final SketchWriter sketches;

  public ItemMetricWriter(ItemStore items, AggregatorConfig config) {
    this.items = items;
    this.config = config;
    this.maxItemsPerWrite = Math.min(config.maxItemsPerTransaction(), items.maxWritesPerCall());
    this.links = new IdentityLinks(items);
    this.sketches = new SketchWriter(items, config.maxAttempts());
  }

  @Override
  public ApplyResult apply(Store store, List<Event> events) {
    int[] requests = {0};
    Map<String, String> linked = links.linkAndResolve(store.id(), events, requests);
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
    sketches.add(store.id(), aggregation.aggregate(activity).reached(), requests);

    ApplyResult result = new ApplyResult(0, repeats, 0, 0, 0);
    for (List<ResolvedEvent> chunk : chunks(store, activity)) {
      result = result.plus(applyChunk(store, aggregation, chunk, requests));
    }
    return new ApplyResult(
        result.counted(), result.alreadyCounted(), result.transactions(), requests[0], 0);
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
    Set<ItemKey> items = new HashSet<>();
    for (ResolvedEvent r : sorted) {
      Set<ItemKey> touched = itemsOf(store, r);
      // Count what the event adds rather than copying the chunk's set: linear in the events.
      int added = 0;
      for (ItemKey k : touched) {
        if (!items.contains(k)) {
          added++;
        }
      }
      if (!current.isEmpty() && items.size() + added > maxItemsPerWrite) {
        out.add(current);
        current = new ArrayList<>();
        items = new HashSet<>();
      }
      current.add(r);
      items.addAll(touched);
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** An upper bound of the items one event's writes touch. */
  private Set<ItemKey> itemsOf(Store store, ResolvedEvent r) {
    var h = r.event().header();
    LocalDate day = DayBucketer.day(h.timestamp(), store.timezone());
    String sk = MetricKeys.daySk(day);
    Set<ItemKey> s = new LinkedHashSet<>();
    s.add(ItemKey.of(MetricKeys.userPk(store.id(), r.uid()), sk));
    s.add(ItemKey.of(MetricKeys.userPk(store.id(), h.deviceId()), sk));
    s.add(
        ItemKey.of(
            MetricKeys.storeShardPk(store.id(), Keys.shardOf(r.uid(), config.shards())), sk));
    s.add(
        ItemKey.of(
            MetricKeys.storeShardPk(store.id(), Keys.shardOf(h.deviceId(), config.shards())), sk));
    if (r.event() instanceof TrackEvent t) {
      Props p = t.properties();
      String id = OrderMath.productId(p);
      if (id != null) {
        s.add(ItemKey.of(MetricKeys.productsPk(store.id(), day), MetricKeys.productBucketSk(id)));
      }
      var products = p.get("products");
      if (products != null && products.isArray()) {
        for (var prod : products) {
          String pid = OrderMath.productId(prod);
          if (pid != null) {
            s.add(
                ItemKey.of(
                    MetricKeys.productsPk(store.id(), day), MetricKeys.productBucketSk(pid)));
          }
        }
      }
    }
    return s;
  }

  private ApplyResult applyChunk(
      Store store, Aggregation aggregation, List<ResolvedEvent> chunk, int[] requests) {
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Map<ItemKey, PersonDay> state = readPersonDays(store, chunk);
      List<ResolvedEvent> fresh = new ArrayList<>();
      Map<ItemKey, List<Long>> newSeen = new HashMap<>();
      for (ResolvedEvent r : chunk) {
        ItemKey deviceItem = deviceItem(store, r);
        long hash = hash(r.event().messageId());
        if (!state.getOrDefault(deviceItem, PersonDay.ABSENT).seen().contains(hash)) {
          fresh.add(r);
          newSeen.computeIfAbsent(deviceItem, k -> new ArrayList<>()).add(hash);
        }
      }
      if (fresh.isEmpty()) {
        return new ApplyResult(0, chunk.size(), 0, 0, 0);
      }
      Deltas d = aggregation.aggregate(fresh);
      List<ItemWrite> writes = new ArrayList<>();
      for (ItemWrite.Update.Builder u : updates(store, d, state, newSeen).values()) {
        if (!u.isEmpty()) {
          writes.add(u.build());
        }
      }
      requests[0]++;
      try {
        items.write(writes);
        return new ApplyResult(fresh.size(), chunk.size() - fresh.size(), 1, 0, 0);
      } catch (ConditionFailedException | RetryableException e) {
        // Another writer changed a person-day since the read (or the engine saw a conflict):
        // read again and recount; marks keep the retry exact.
        LOG.debug("chunk conflicted (attempt {}): {}", attempt, e.getMessage());
        if (attempt == config.maxAttempts() && e instanceof RetryableException r) {
          throw r;
        }
        Pause.after(attempt);
      }
    }
    throw new RetryableException(
        "write_conflict",
        "metrics kept changing under a chunk; it will be retried",
        Duration.ofSeconds(1));
  }

  private Map<ItemKey, ItemWrite.Update.Builder> updates(
      Store store, Deltas d, Map<ItemKey, PersonDay> state, Map<ItemKey, List<Long>> newSeen) {
    Map<ItemKey, ItemWrite.Update.Builder> out = new LinkedHashMap<>();
    String s = store.id();
    d.users()
        .forEach(
            (key, activity) -> {
              ItemKey k = ItemKey.of(MetricKeys.userPk(s, key.id()), MetricKeys.daySk(key.day()));
              ItemWrite.Update.Builder u = person(out, state, k);
              activity.counts().nonZero().forEach((c, v) -> u.add(c.attribute(), v));
              PersonDay p = state.getOrDefault(k, PersonDay.ABSENT);
              long first = activity.firstSeen().toEpochMilli();
              long last = activity.lastSeen().toEpochMilli();
              if (p.firstSeen() == null || first < p.firstSeen()) {
                u.set(MetricKeys.FIRST_SEEN, AttrValue.num(first));
              }
              if (p.lastSeen() == null || last > p.lastSeen()) {
                u.set(MetricKeys.LAST_SEEN, AttrValue.num(last));
              }
            });
    d.devices()
        .forEach(
            (key, steps) -> {
              String sk = MetricKeys.daySk(key.day());
              ItemKey k = ItemKey.of(MetricKeys.userPk(s, key.id()), sk);
              ItemWrite.Update.Builder u = person(out, state, k);
              PersonDay p = state.getOrDefault(k, PersonDay.ABSENT);
              int reached = FunnelStep.toBits(steps);
              int fresh = FunnelState.newSteps(p.steps(), reached);
              if (fresh != 0) {
                u.set(MetricKeys.STEPS, AttrValue.num(p.steps() | reached));
                ItemWrite.Update.Builder shard =
                    plain(
                        out,
                        ItemKey.of(
                            MetricKeys.storeShardPk(s, Keys.shardOf(key.id(), config.shards())),
                            sk));
                for (FunnelStep step : FunnelStep.fromBits(fresh)) {
                  shard.add(step.attribute(), 1);
                }
              }
              u.addMarks(MetricKeys.SEEN, newSeen.getOrDefault(k, List.of()));
            });
    d.store()
        .forEach(
            (key, counts) -> {
              ItemWrite.Update.Builder u =
                  plain(
                      out,
                      ItemKey.of(
                          MetricKeys.storeShardPk(s, key.shard()), MetricKeys.daySk(key.day())));
              counts.nonZero().forEach((Counter c, Long v) -> u.add(c.attribute(), v));
            });
    d.products()
        .forEach(
            (key, counts) -> {
              ItemWrite.Update.Builder u =
                  plain(
                      out,
                      ItemKey.of(
                          MetricKeys.productsPk(s, key.day()),
                          MetricKeys.productBucketSk(key.productId())));
              counts
                  .nonZero()
                  .forEach(
                      (ProductCounter c, Long v) ->
                          u.add(MetricKeys.productAttribute(c.attribute(), key.productId()), v));
            });
    return out;
  }

  /** A person-day update, guarded by the version read earlier and bumping it. */
  private static ItemWrite.Update.Builder person(
      Map<ItemKey, ItemWrite.Update.Builder> out, Map<ItemKey, PersonDay> state, ItemKey k) {
    return out.computeIfAbsent(
        k,
        key ->
            ItemWrite.update(key)
                .add(MetricKeys.VERSION, 1)
                .when(
                    Condition.versionIs(
                        MetricKeys.VERSION, state.getOrDefault(key, PersonDay.ABSENT).version())));
  }

  private static ItemWrite.Update.Builder plain(
      Map<ItemKey, ItemWrite.Update.Builder> out, ItemKey k) {
    return out.computeIfAbsent(k, ItemWrite::update);
  }

  private Map<ItemKey, PersonDay> readPersonDays(Store store, List<ResolvedEvent> chunk) {
    Set<ItemKey> keys = new LinkedHashSet<>();
    for (ResolvedEvent r : chunk) {
      LocalDate day = DayBucketer.day(r.event().header().timestamp(), store.timezone());
      String sk = MetricKeys.daySk(day);
      keys.add(ItemKey.of(MetricKeys.userPk(store.id(), r.uid()), sk));
      keys.add(ItemKey.of(MetricKeys.userPk(store.id(), r.event().header().deviceId()), sk));
    }
    Map<ItemKey, PersonDay> out = new HashMap<>();
    items.getAll(keys).forEach((k, item) -> out.put(k, PersonDay.from(item)));
    return out;
  }

  private static ItemKey deviceItem(Store store, ResolvedEvent r) {
    var h = r.event().header();
    return ItemKey.of(
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
}
