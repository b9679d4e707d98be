package dev.tally.core.regulation;

import dev.tally.core.agg.Aggregation;
import dev.tally.core.agg.Deltas;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Keys;
import dev.tally.core.agg.ResolvedEvent;
import dev.tally.core.event.Event;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a deletion does with the store and product aggregates the people's events are part of.
 *
 * <p>{@code --subtract} ({@link #subtract}): removes the people's events from the store and product
 * aggregates as well, for when exact removal is wanted.
 *
 * <p>Default ({@link #keep}): the aggregates stay as they are (they are not personal data), and the
 * same figures are added to a ledger of what the kept aggregates hold of deleted people ({@link
 * KeptLedger}: per store-day counters, distinct steps and product counters, no id), so {@code tally
 * verify} can compare the aggregates minus the ledger with a copy the people were deleted from.
 *
 * <p>Either way: it must run before their events and items are deleted: it reads their events from
 * the raw source, keeps those their device-day marks show as counted, aggregates them with the core
 * and adds the negated store and product counters; distinct funnel counts lose one per step their
 * device-days reached. A marker item ({@code {store}#REGSUB} or {@code {store}#REGKEPT} /
 * regulation id, written with the last write) makes a second run do nothing.
 */
public final class SubtractStep implements DeletionStep {
  public static final String NAME = "subtract-aggregates";
  public static final String KEEP_NAME = "ledger-kept-aggregates";
  private final ItemStore metrics;
  private final RawEventSource source;
  private final int shards;
  private final boolean ledger;

  private SubtractStep(ItemStore metrics, RawEventSource source, int shards, boolean ledger) {
    this.metrics = metrics;
    this.source = source;
    this.shards = shards;
    this.ledger = ledger;
  }

  /** Removes the people's part of the aggregates ({@code --subtract}). */
  public static SubtractStep subtract(ItemStore metrics, RawEventSource source, int shards) {
    return new SubtractStep(metrics, source, shards, false);
  }

  /** Keeps the aggregates and records their people's part in the {@link KeptLedger}. */
  public static SubtractStep keep(ItemStore metrics, RawEventSource source, int shards) {
    return new SubtractStep(metrics, source, shards, true);
  }

  @Override
  public String name() {
    return ledger ? KEEP_NAME : NAME;
  }

  @Override
  public boolean appliesTo(Regulation r) {
    return r.subtract() != ledger;
  }

  @Override
  public Outcome run(RegulationState state, Store store) {
    ItemKey marker =
        ItemKey.of(store.id() + (ledger ? "#REGKEPT" : "#REGSUB"), state.regulation().id());
    if (metrics.get(marker).isPresent()) {
      return new Outcome(state, "already subtracted");
    }
    Predicate<Event> named = Suppressed.naming(state.ids());
    Map<String, Event> events = new LinkedHashMap<>();
    source.read(
        store.id(),
        store.timezone(),
        null,
        null,
        entry -> {
          for (Event e : entry.events()) {
            if (e.isActivity() && named.test(e)) {
              events.putIfAbsent(e.messageId(), e);
            }
          }
        });
    MessageDigest sha = sha256();
    List<ResolvedEvent> counted = new ArrayList<>();
    Map<ItemKey, Set<Long>> marks = new LinkedHashMap<>();
    for (Event e : events.values()) {
      ItemKey device =
          ItemKey.of(
              MetricKeys.userPk(store.id(), e.header().deviceId()),
              MetricKeys.daySk(DayBucketer.day(e.header().timestamp(), store.timezone())));
      Set<Long> seen = marks.computeIfAbsent(device, this::marksOf);
      byte[] d = sha.digest(e.messageId().getBytes(StandardCharsets.UTF_8));
      if (seen.contains(ByteBuffer.wrap(d).getLong())) {
        counted.add(ResolvedEvent.unlinked(e));
      }
    }
    Deltas d = new Aggregation(store, shards).aggregate(counted);
    Map<ItemKey, ItemWrite.Update.Builder> writes = new LinkedHashMap<>();
    d.store()
        .forEach(
            (k, counts) -> {
              var u =
                  writes.computeIfAbsent(
                      ledger
                          ? KeptLedger.dayKey(store.id(), k.day())
                          : ItemKey.of(
                              MetricKeys.storeShardPk(store.id(), k.shard()),
                              MetricKeys.daySk(k.day())),
                      ItemWrite::update);
              counts.nonZero().forEach((c, v) -> u.add(c.attribute(), sign() * v));
            });
    d.products()
        .forEach(
            (k, counts) -> {
              // The ledger keeps days; the aggregates also hold the week's and month's roll-ups.
              List<ItemKey> targets =
                  ledger
                      ? List.of(KeptLedger.productsKey(store.id(), k.day()))
                      : MetricKeys.productsPks(store.id(), k.day()).stream()
                          .map(pk -> ItemKey.of(pk, MetricKeys.productBucketSk(k.productId())))
                          .toList();
              for (ItemKey target : targets) {
                var u = writes.computeIfAbsent(target, ItemWrite::update);
                counts
                    .nonZero()
                    .forEach(
                        (c, v) ->
                            u.add(
                                MetricKeys.productAttribute(c.attribute(), k.productId()),
                                sign() * v));
              }
            });
    int steps = 0;
    for (String id : state.ids()) {
      for (Item i : metrics.query(ItemQuery.partition(MetricKeys.userPk(store.id(), id)))) {
        if (!i.key().sk().startsWith(MetricKeys.DAY_PREFIX) || !i.has(MetricKeys.STEPS)) {
          continue;
        }
        var u =
            writes.computeIfAbsent(
                ledger
                    ? KeptLedger.dayKey(store.id(), MetricKeys.dayOf(i.key().sk()))
                    : ItemKey.of(
                        MetricKeys.storeShardPk(store.id(), Keys.shardOf(id, shards)),
                        i.key().sk()),
                ItemWrite::update);
        for (FunnelStep s : FunnelStep.fromBits((int) i.num(MetricKeys.STEPS))) {
          u.add(s.attribute(), sign());
          steps++;
        }
      }
    }
    if (writes.isEmpty()) {
      // Nothing of theirs is counted (already deleted, or never counted): no marker either, so
      // a job run again writes nothing at all.
      return new Outcome(state, "nothing of theirs in the aggregates");
    }
    List<ItemWrite> all = new ArrayList<>();
    writes.values().forEach(b -> all.add(b.build()));
    all.add(
        ItemWrite.put(
            Item.of(marker, Map.of("at", AttrValue.num(System.currentTimeMillis()))),
            Condition.ABSENT));
    // One atomic write where the engine allows it (embedded: 10,000 items); otherwise in chunks
    // with the marker last, so an interrupted run is not mistaken for a finished one.
    int per = metrics.maxWritesPerCall();
    for (int i = 0; i < all.size(); i += per) {
      metrics.write(all.subList(i, Math.min(all.size(), i + per)));
    }
    return new Outcome(
        state,
        counted.size()
            + " counted event(s) and "
            + steps
            + " funnel step(s) "
            + (ledger ? "recorded in the kept-aggregates ledger" : "subtracted"));
  }

  private long sign() {
    return ledger ? 1 : -1;
  }

  private Set<Long> marksOf(ItemKey deviceDay) {
    Set<Long> out = new java.util.HashSet<>();
    Item i = metrics.get(deviceDay).orElse(null);
    if (i == null) {
      return out;
    }
    out.addAll(i.marks(MetricKeys.SEEN));
    long pages = i.has(MetricKeys.MARK_PAGES) ? i.num(MetricKeys.MARK_PAGES) : 0;
    for (int n = 1; n <= pages; n++) {
      metrics
          .get(MetricKeys.markPage(deviceDay, n))
          .ifPresent(p -> out.addAll(p.marks(MetricKeys.SEEN)));
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
