package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.IdentifyEvent;
import dev.tally.core.event.Json;
import dev.tally.core.event.PageEvent;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.Store;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Aggregation is a pure, order- and batching-independent function of the set of events. Each case
 * comes from a fixed seed (the case number), so a failure names a case that replays exactly.
 */
class AggregationPropertiesTest {
  /** One generated case: events, a shuffle, batch sizes and a shard count. */
  record Case(long seed, List<Event> events, long shuffleSeed, List<Integer> cuts, int shards) {
    @Override
    public String toString() {
      return "seed " + seed + " (" + events.size() + " events, cuts " + cuts + ")";
    }
  }

  static Stream<Case> cases(int count) {
    return IntStream.range(0, count).mapToObj(i -> generate(20261130L * 31 + i));
  }

  static Stream<Case> permutationCases() {
    return cases(300);
  }

  static Stream<Case> distinctCases() {
    return cases(200);
  }

  private static final Store STORE = Store.of("shop", "America/Los_Angeles", "USD", List.of());
  private static final Instant BASE = Instant.parse("2025-03-01T00:00:00Z");
  private static final String[] NAMES = {
    "Product Viewed", "Product Added", "Product Removed", "Cart Viewed", "Checkout Started",
    "Order Completed", "Order Refunded", "Order Cancelled", "Products Searched",
        "Product List Viewed",
    "Custom Thing"
  };

  @ParameterizedTest
  @MethodSource("permutationCases")
  void anyPermutationAndBatching_mergesToTheDeltasOfAll(Case c) {
    List<Event> events = c.events();
    long shuffleSeed = c.shuffleSeed();
    List<Integer> cuts = c.cuts();
    int shards = c.shards();
    Aggregation agg = new Aggregation(STORE, shards);
    Deltas all = agg.aggregate(resolved(events));

    List<Event> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(shuffleSeed));
    Deltas merged = new Deltas();
    for (List<Event> batch : batches(shuffled, cuts)) {
      merged = merged.merge(agg.aggregate(resolved(batch)));
    }
    assertThat(merged).isEqualTo(all);
    assertThat(merged.users()).isEqualTo(all.users());
    assertThat(merged.store()).isEqualTo(all.store());
    assertThat(merged.products()).isEqualTo(all.products());
    assertThat(merged.reached()).isEqualTo(all.reached());
  }

  @ParameterizedTest
  @MethodSource("distinctCases")
  void dailyDistinctCounts_doNotDependOnBatching(Case c) {
    List<Event> events = c.events();
    long shuffleSeed = c.shuffleSeed();
    List<Integer> cuts = c.cuts();
    Aggregation agg = new Aggregation(STORE, 1);
    List<Event> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(shuffleSeed));
    // What the writer does: per batch, count only the steps a person had not reached that day.
    Map<Keys.UserDay, Integer> stored = new HashMap<>();
    Map<Keys.StepDay, Integer> counted = new HashMap<>();
    for (List<Event> batch : batches(shuffled, cuts)) {
      agg.aggregate(resolved(batch))
          .devices()
          .forEach(
              (device, steps) -> {
                int before = stored.getOrDefault(device, 0);
                int fresh = FunnelState.newSteps(before, FunnelStep.toBits(steps));
                stored.put(device, before | fresh);
                for (FunnelStep s : FunnelStep.fromBits(fresh)) {
                  counted.merge(new Keys.StepDay(device.day(), s), 1, Integer::sum);
                }
              });
    }
    Map<Keys.StepDay, Integer> expected = new HashMap<>();
    agg.aggregate(resolved(events)).reached().forEach((k, ids) -> expected.put(k, ids.size()));
    assertThat(counted).isEqualTo(expected);
  }

  private static List<ResolvedEvent> resolved(List<Event> events) {
    return events.stream().map(ResolvedEvent::unlinked).toList();
  }

  private static List<List<Event>> batches(List<Event> events, List<Integer> cuts) {
    List<List<Event>> out = new ArrayList<>();
    int i = 0;
    int c = 0;
    while (i < events.size()) {
      int n = cuts.isEmpty() ? events.size() : cuts.get(c++ % cuts.size());
      out.add(events.subList(i, Math.min(events.size(), i + n)));
      i += n;
    }
    return out;
  }

  /**
   * The same space the former property-library generators covered: up to 60 events of 10 people
   * over 5 days (every event kind, 5 products, 1-100,000 cents, 1-5 units, anonymous / identified /
   * both), up to 10 batch sizes of 1-25, 1-8 shards. Sizes at the edges (0 events, no cuts) come up
   * regularly because they are drawn uniformly.
   */
  static Case generate(long seed) {
    Random r = new Random(seed);
    int n = r.nextInt(61);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(
          event(
              r.nextInt(10),
              (long) (r.nextDouble() * 5L * 86_400),
              r.nextInt(NAMES.length + 3),
              r.nextInt(5),
              1 + r.nextInt(100_000),
              1 + r.nextInt(5),
              r.nextInt(3)));
    }
    List<Integer> cuts = new ArrayList<>();
    int k = r.nextInt(11);
    for (int i = 0; i < k; i++) {
      cuts.add(1 + r.nextInt(25));
    }
    return new Case(seed, withUniqueMessageIds(events), r.nextLong(), cuts, 1 + r.nextInt(8));
  }

  private static Event event(
      int who, long offset, int kind, int product, int cents, int qty, int ids) {
    String anon = ids == 1 ? null : "anon-" + who;
    String user = ids == 0 ? null : "user-" + who / 2;
    EventHeader h =
        new EventHeader("tmp", anon, user, BASE.plusSeconds(offset), null, null, BASE, null);
    if (kind == NAMES.length) {
      return new PageEvent(h, "Home", Props.empty());
    }
    if (kind == NAMES.length + 1) {
      return user == null
          ? new PageEvent(h, null, Props.empty())
          : new AliasEvent(h, "anon-" + (who + 1) % 10);
    }
    if (kind == NAMES.length + 2) {
      return new IdentifyEvent(h, Props.empty());
    }
    ObjectNode p = Json.mapper().createObjectNode();
    p.put("product_id", "p" + product);
    BigDecimal price = BigDecimal.valueOf(cents, 2);
    p.put("price", price);
    if (NAMES[kind].startsWith("Order")) {
      p.putArray("products")
          .addObject()
          .put("product_id", "p" + product)
          .put("price", price)
          .put("quantity", qty);
      p.put("revenue", price.multiply(BigDecimal.valueOf(qty)));
    }
    return new TrackEvent(h, NAMES[kind], Props.of(p));
  }

  private static List<Event> withUniqueMessageIds(List<Event> events) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      EventHeader h = e.header();
      EventHeader id =
          new EventHeader(
              "m" + i,
              h.anonymousId(),
              h.userId(),
              h.timestamp(),
              null,
              null,
              h.receivedAt(),
              null);
      if (e instanceof TrackEvent t) {
        out.add(new TrackEvent(id, t.event(), t.properties()));
      } else if (e instanceof PageEvent p) {
        out.add(new PageEvent(id, p.name(), p.properties()));
      } else if (e instanceof AliasEvent a) {
        out.add(new AliasEvent(id, a.previousId()));
      } else {
        out.add(new IdentifyEvent(id, ((IdentifyEvent) e).traits()));
      }
    }
    return out;
  }
}
