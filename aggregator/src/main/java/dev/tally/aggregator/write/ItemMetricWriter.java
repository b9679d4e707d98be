package dev.tally.aggregator.write;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.MetricWriter;
import dev.tally.core.agg.Aggregation;
import dev.tally.core.agg.CatalogEntry;
import dev.tally.core.agg.Counter;
import dev.tally.core.agg.Deltas;
import dev.tally.core.agg.FunnelState;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Keys;
import dev.tally.core.agg.Keys.StepDay;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collection;
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

  /**
   * Marks one item holds at most (8 bytes each, about 18 KB): the device-day item's own {@code
   * seen} set, and each of its spill pages ({@code MARKS#<day>#<n>} in the same partition).
   */
  public static final int MAX_MARKS_PER_ITEM = 2_000;

  /** Events per chunk, so one chunk adds at most one spill page per device-day. */
  static final int MAX_EVENTS_PER_CHUNK = MAX_MARKS_PER_ITEM;

  private final ItemStore items;
  private final AggregatorConfig config;
  private final int maxItemsPerWrite;
  private final IdentityLinks links;
  private final CatalogWriter catalog;
  private final SketchWriter sketches;

  public ItemMetricWriter(ItemStore items, AggregatorConfig config) {
    this.items = items;
    this.config = config;
    this.maxItemsPerWrite = Math.min(config.maxItemsPerTransaction(), items.maxWritesPerCall());
    this.links = new IdentityLinks(items);
    this.catalog = new CatalogWriter(items);
    this.sketches = new SketchWriter(items, config.maxAttempts());
  }

  @Override
  public ApplyResult apply(Store store, List<Event> events) {
    int[] requests = {0};
    links.record(store.id(), events, requests);
    catalog.record(store.id(), CatalogEntry.of(store, events), requests);
    Map<String, ResolvedEvent> unique = new LinkedHashMap<>();
    int repeats = 0;
    for (Event e : events) {
      if (!e.isActivity()) {
        continue;
      }
      if (unique.putIfAbsent(e.messageId(), ResolvedEvent.unlinked(e)) != null) {
        repeats++;
      }
    }
    Aggregation aggregation = new Aggregation(store, config.shards());
    KeyMaker keys = new KeyMaker(store);
    List<List<Placed>> chunks = chunks(keys, unique.values());
    // Each chunk is aggregated once: its sketch ids now, and its counters below when every event
    // of it turns out fresh (the usual case). Deltas merge, so the chunks' union is the batch's.
    List<Deltas> whole = new ArrayList<>(chunks.size());
    Map<StepDay, Set<String>> reached = new LinkedHashMap<>();
    for (List<Placed> chunk : chunks) {
      Deltas d = aggregation.aggregate(resolved(chunk));
      whole.add(d);
      d.reached().forEach((k, ids) -> reached.computeIfAbsent(k, x -> new HashSet<>()).addAll(ids));
    }
    sketches.add(store.id(), reached, requests);
    // Like the funnel's, told before the counters: only ever what stays true.
    sketches.add(
        store.id(),
        MetricKeys.RETURNING,
        AcquisitionWriter.returning(items, store, unique.values()),
        requests);

    ApplyResult result = new ApplyResult(0, repeats, 0, 0, 0);
    for (int i = 0; i < chunks.size(); i++) {
      result = result.plus(applyChunk(keys, aggregation, chunks.get(i), whole.get(i), requests));
    }
    return new ApplyResult(
        result.counted(), result.alreadyCounted(), result.transactions(), requests[0], 0);
  }

  /**
   * One event with what the writer needs of it, computed once: its person-day and device-day items,
   * every item its writes may touch, and its exactly-once mark.
   */
  private record Placed(
      ResolvedEvent event,
      ItemKey person,
      ItemKey device,
      LocalDate day,
      Set<ItemKey> touched,
      long mark) {}

  private static List<ResolvedEvent> resolved(List<Placed> chunk) {
    List<ResolvedEvent> out = new ArrayList<>(chunk.size());
    for (Placed p : chunk) {
      out.add(p.event());
    }
    return out;
  }

  /** Cuts events into chunks whose writes touch at most the transaction limit of items. */
  private List<List<Placed>> chunks(KeyMaker keys, Collection<ResolvedEvent> events) {
    List<List<Placed>> out = new ArrayList<>();
    List<Placed> current = new ArrayList<>();
    Set<ItemKey> items = new HashSet<>();
    for (Placed p : byDevice(keys, events)) {
      // Count what the event adds rather than copying the chunk's set: linear in the events.
      int added = 0;
      for (ItemKey k : p.touched()) {
        if (!items.contains(k)) {
          added++;
        }
      }
      if (!current.isEmpty()
          && (items.size() + added > maxItemsPerWrite || current.size() >= MAX_EVENTS_PER_CHUNK)) {
        out.add(current);
        current = new ArrayList<>();
        items = new HashSet<>();
      }
      current.add(p);
      items.addAll(p.touched());
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /**
   * The events placed, in device id then timestamp order (ties in arrival order): grouped by
   * device, the devices sorted, each device's events sorted by time. The same order as one stable
   * sort by (device, timestamp), for far fewer comparisons of long ids.
   */
  private static List<Placed> byDevice(KeyMaker keys, Collection<ResolvedEvent> events) {
    Map<String, List<Placed>> devices = new HashMap<>();
    for (ResolvedEvent r : events) {
      devices
          .computeIfAbsent(r.event().header().deviceId(), d -> new ArrayList<>())
          .add(keys.place(r));
    }
    List<String> ids = new ArrayList<>(devices.keySet());
    ids.sort(null);
    List<Placed> out = new ArrayList<>(events.size());
    for (String id : ids) {
      List<Placed> one = devices.get(id);
      one.sort(BY_TIME);
      out.addAll(one);
    }
    return out;
  }

  private static final Comparator<Placed> BY_TIME =
      (a, b) ->
          a.event().event().header().timestamp().compareTo(b.event().event().header().timestamp());

  /**
   * Builds the item keys and marks of one batch's events, making each day's key strings once.
   * Confined to the thread that applies the batch.
   */
  private final class KeyMaker {
    private final Store store;
    private final ZoneRules zone;
    private final Map<Long, Day> days = new HashMap<>();
    private final Map<LocalDate, Day> byDate = new HashMap<>();
    private final String[] shardPks;
    private final MessageDigest sha256 = sha256();

    KeyMaker(Store store) {
      this.store = store;
      this.zone = store.timezone().getRules();
      this.shardPks = new String[config.shards()];
      for (int k = 0; k < shardPks.length; k++) {
        shardPks[k] = MetricKeys.storeShardPk(store.id(), k);
      }
    }

    /**
     * The store-local day of {@code at}, as {@link DayBucketer#day} gives it (the date at the
     * zone's offset at that instant), memoized by local epoch day.
     */
    Day day(Instant at) {
      long local = at.getEpochSecond() + zone.getOffset(at).getTotalSeconds();
      return days.computeIfAbsent(
          Math.floorDiv(local, 86_400L), epochDay -> of(LocalDate.ofEpochDay(epochDay)));
    }

    Day of(LocalDate date) {
      return byDate.computeIfAbsent(date, this::newDay);
    }

    private Day newDay(LocalDate d) {
      Set<ItemKey> acquisition = new LinkedHashSet<>();
      AcquisitionWriter.touched(store.id(), d, acquisition);
      return new Day(d, MetricKeys.daySk(d), MetricKeys.productsPks(store.id(), d), acquisition);
    }

    String shardPk(int shard) {
      return shardPks[shard];
    }

    /** The event's items: an upper bound of what its writes touch. */
    Placed place(ResolvedEvent r) {
      var h = r.event().header();
      Day day = day(h.timestamp());
      String sk = day.sk();
      ItemKey person = ItemKey.of(MetricKeys.userPk(store.id(), r.uid()), sk);
      ItemKey device =
          h.deviceId().equals(r.uid())
              ? person
              : ItemKey.of(MetricKeys.userPk(store.id(), h.deviceId()), sk);
      Set<ItemKey> s = new LinkedHashSet<>();
      s.add(person);
      s.add(device);
      s.add(ItemKey.of(shardPks[Keys.shardOf(r.uid(), config.shards())], sk));
      s.add(ItemKey.of(shardPks[Keys.shardOf(h.deviceId(), config.shards())], sk));
      s.add(MetricKeys.firstVisit(store.id(), h.deviceId()));
      s.addAll(day.acquisition());
      if (r.event() instanceof TrackEvent t) {
        Props p = t.properties();
        String id = OrderMath.productId(p);
        if (id != null) {
          product(s, day, id);
        }
        var products = p.get("products");
        if (products != null && products.isArray()) {
          for (var prod : products) {
            String pid = OrderMath.productId(prod);
            if (pid != null) {
              product(s, day, pid);
            }
          }
        }
      }
      CustomerWriter.touched(store, r, s);
      return new Placed(r, person, device, day.date(), s, hash(sha256, r.event().messageId()));
    }

    /** The product's bucket in the day's partition and in its week and month roll-ups. */
    private void product(Set<ItemKey> touched, Day day, String productId) {
      String bucket = MetricKeys.productBucketSk(productId);
      for (String pk : day.productsPks()) {
        touched.add(ItemKey.of(pk, bucket));
      }
    }
  }

  /**
   * The key strings of one store-local day; {@code productsPks} are the day's product partition and
   * its week and month roll-ups ({@link MetricKeys#productsPks}), {@code acquisition} the day's and
   * week's acquisition items.
   */
  private record Day(
      LocalDate date, String sk, List<String> productsPks, Set<ItemKey> acquisition) {}

  private ApplyResult applyChunk(
      KeyMaker keys, Aggregation aggregation, List<Placed> chunk, Deltas whole, int[] requests) {
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Map<ItemKey, dev.tally.core.item.Item> read = readState(keys, chunk);
      Map<ItemKey, PersonDay> state = new HashMap<>();
      read.forEach((k, item) -> state.put(k, PersonDay.from(item)));
      Map<ItemKey, MarkPages> pages = readMarkPages(state);
      List<ResolvedEvent> fresh = new ArrayList<>();
      List<AcquisitionWriter.Fresh> freshPlaced = new ArrayList<>();
      Map<ItemKey, List<Long>> newSeen = new HashMap<>();
      for (Placed p : chunk) {
        PersonDay device = state.getOrDefault(p.device(), PersonDay.ABSENT);
        MarkPages spilled = pages.get(p.device());
        boolean counted =
            device.seen().contains(p.mark()) || (spilled != null && spilled.contains(p.mark()));
        if (!counted) {
          fresh.add(p.event());
          freshPlaced.add(
              new AcquisitionWriter.Fresh(p.event().event(), p.device(), p.day(), p.mark()));
          newSeen.computeIfAbsent(p.device(), k -> new ArrayList<>()).add(p.mark());
        }
      }
      if (fresh.isEmpty()) {
        return new ApplyResult(0, chunk.size(), 0, 0, 0);
      }
      Deltas d = fresh.size() == chunk.size() ? whole : aggregation.aggregate(fresh);
      Map<ItemKey, ItemWrite.Update.Builder> updates = updates(keys, d, state);
      AcquisitionWriter.add(keys.store, freshPlaced, read, state, updates);
      CustomerWriter.add(keys.store, fresh, k -> plain(updates, k));
      placeMarks(updates, state, pages, newSeen);
      List<ItemWrite> writes = new ArrayList<>();
      for (ItemWrite.Update.Builder u : updates.values()) {
        if (!u.isEmpty()) {
          writes.add(u.build());
        }
      }
      if (writes.size() > maxItemsPerWrite && chunk.size() > 1) {
        // Spill pages pushed the chunk past one atomic write: apply it in two halves instead.
        int half = chunk.size() / 2;
        List<Placed> left = chunk.subList(0, half);
        List<Placed> right = chunk.subList(half, chunk.size());
        return applyChunk(keys, aggregation, left, aggregation.aggregate(resolved(left)), requests)
            .plus(
                applyChunk(
                    keys, aggregation, right, aggregation.aggregate(resolved(right)), requests));
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

  /** The marks a device-day keeps beyond its own item, page by page. */
  private record MarkPages(List<Set<Long>> pages) {
    boolean contains(long mark) {
      for (Set<Long> p : pages) {
        if (p.contains(mark)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Reads the spill pages of the device-days that have any (only very busy devices do). */
  private Map<ItemKey, MarkPages> readMarkPages(Map<ItemKey, PersonDay> state) {
    List<ItemKey> keys = new ArrayList<>();
    for (var e : state.entrySet()) {
      for (int n = 1; n <= e.getValue().markPages(); n++) {
        keys.add(MetricKeys.markPage(e.getKey(), n));
      }
    }
    if (keys.isEmpty()) {
      return Map.of();
    }
    Map<ItemKey, dev.tally.core.item.Item> read = items.getAll(keys);
    Map<ItemKey, MarkPages> out = new HashMap<>();
    for (var e : state.entrySet()) {
      int n = e.getValue().markPages();
      if (n > 0) {
        List<Set<Long>> pages = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          dev.tally.core.item.Item page = read.get(MetricKeys.markPage(e.getKey(), i));
          pages.add(page == null ? Set.of() : page.marks(MetricKeys.SEEN));
        }
        out.put(e.getKey(), new MarkPages(pages));
      }
    }
    return out;
  }

  /**
   * Adds each device-day's new marks to its own item while it has room, then to its last spill
   * page, then to new pages, so no item ever holds more than {@link #MAX_MARKS_PER_ITEM}. The
   * device-day item's version guards the pages too: a concurrent writer makes the chunk retry.
   */
  private static void placeMarks(
      Map<ItemKey, ItemWrite.Update.Builder> updates,
      Map<ItemKey, PersonDay> state,
      Map<ItemKey, MarkPages> pages,
      Map<ItemKey, List<Long>> newSeen) {
    newSeen.forEach(
        (device, marks) -> {
          PersonDay p = state.getOrDefault(device, PersonDay.ABSENT);
          ItemWrite.Update.Builder own = person(updates, state, device);
          int room = Math.max(0, MAX_MARKS_PER_ITEM - p.seen().size());
          int i = Math.min(room, marks.size());
          own.addMarks(MetricKeys.SEEN, marks.subList(0, i));
          int page = p.markPages();
          MarkPages spilled = pages.get(device);
          int pageRoom = page == 0 ? 0 : MAX_MARKS_PER_ITEM - spilled.pages().get(page - 1).size();
          while (i < marks.size()) {
            if (pageRoom <= 0) {
              page++;
              pageRoom = MAX_MARKS_PER_ITEM;
            }
            int n = Math.min(pageRoom, marks.size() - i);
            plain(updates, MetricKeys.markPage(device, page))
                .addMarks(MetricKeys.SEEN, marks.subList(i, i + n));
            i += n;
            pageRoom -= n;
          }
          if (page != p.markPages()) {
            own.set(MetricKeys.MARK_PAGES, AttrValue.num(page));
          }
        });
  }

  private Map<ItemKey, ItemWrite.Update.Builder> updates(
      KeyMaker keys, Deltas d, Map<ItemKey, PersonDay> state) {
    Map<ItemKey, ItemWrite.Update.Builder> out = new LinkedHashMap<>();
    String s = keys.store.id();
    d.users()
        .forEach(
            (key, activity) -> {
              ItemKey k = ItemKey.of(MetricKeys.userPk(s, key.id()), keys.of(key.day()).sk());
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
              String sk = keys.of(key.day()).sk();
              ItemKey k = ItemKey.of(MetricKeys.userPk(s, key.id()), sk);
              ItemWrite.Update.Builder u = person(out, state, k);
              PersonDay p = state.getOrDefault(k, PersonDay.ABSENT);
              int reached = FunnelStep.toBits(steps);
              int fresh = FunnelState.newSteps(p.steps(), reached);
              if (fresh != 0) {
                u.set(MetricKeys.STEPS, AttrValue.num(p.steps() | reached));
                ItemWrite.Update.Builder shard =
                    plain(
                        out, ItemKey.of(keys.shardPk(Keys.shardOf(key.id(), config.shards())), sk));
                for (FunnelStep step : FunnelStep.fromBits(fresh)) {
                  shard.add(step.attribute(), 1);
                }
              }
            });
    d.store()
        .forEach(
            (key, counts) -> {
              ItemWrite.Update.Builder u =
                  plain(out, ItemKey.of(keys.shardPk(key.shard()), keys.of(key.day()).sk()));
              counts.nonZero().forEach((Counter c, Long v) -> u.add(c.attribute(), v));
            });
    d.products()
        .forEach(
            (key, counts) -> {
              // The same counters go to the day's bucket and to its week and month roll-ups.
              String bucket = MetricKeys.productBucketSk(key.productId());
              for (String pk : keys.of(key.day()).productsPks()) {
                ItemWrite.Update.Builder u = plain(out, ItemKey.of(pk, bucket));
                counts
                    .nonZero()
                    .forEach(
                        (ProductCounter c, Long v) ->
                            u.add(MetricKeys.productAttribute(c.attribute(), key.productId()), v));
              }
            });
    return out;
  }

  /** A person-day update, guarded by the version read earlier and bumping it. */
  static ItemWrite.Update.Builder person(
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

  static ItemWrite.Update.Builder plain(Map<ItemKey, ItemWrite.Update.Builder> out, ItemKey k) {
    return out.computeIfAbsent(k, ItemWrite::update);
  }

  /** The chunk's person-days and device-days, and what its acquisition updates depend on. */
  private Map<ItemKey, dev.tally.core.item.Item> readState(KeyMaker keys, List<Placed> chunk) {
    Set<ItemKey> read = new LinkedHashSet<>();
    Set<LocalDate> days = new HashSet<>();
    Set<String> devices = new HashSet<>();
    for (Placed p : chunk) {
      read.add(p.person());
      read.add(p.device());
      days.add(p.day());
      devices.add(p.event().event().header().deviceId());
    }
    AcquisitionWriter.reads(keys.store.id(), days, devices, read);
    return items.getAll(read);
  }

  /** First 8 bytes of SHA-256 of the message id: the per-event exactly-once mark. */
  static long hash(String messageId) {
    return hash(sha256(), messageId);
  }

  private static long hash(MessageDigest sha256, String messageId) {
    byte[] d = sha256.digest(messageId.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(d).getLong();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
