package dev.tally.testkit.metrics;

import dev.tally.core.sim.Workload;
import dev.tally.core.store.Store;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The standard workload ({@link Workload}: anonymous visitors browsing a Zipf-popular catalog, some
 * signing in, a funnel down to orders) for two stores in two time zones, as their storefronts send
 * it, plus what real traffic adds: visits sent twice (a client retry), a double-submitted event,
 * visits that arrive ten days late (a phone that was offline), and server-side refunds. Seeded: the
 * same arguments give the same sends.
 *
 * <p>Each {@link Send} is one call: one device's events of one store, which ingest's Kinesis
 * publisher writes as one record. A visit is sent whole. Devices browse anonymously before and
 * between sign-ins, and any visit (signed in or not) may be the one that arrives late, so the
 * sign-in of a device can reach the writer before, after or in the same batch as its anonymous
 * events: the Lambda path and the Flink job cut batches differently, and both must still give the
 * same items ({@link Oracle#expected}, where every event counts under its own ids).
 */
public record ShopTraffic(List<Store> stores, List<Send> sends) {

  /** One call a storefront or server made: some events of one device, in order. */
  public record Send(String storeId, List<RawEvent> events) {
    public Send {
      Objects.requireNonNull(storeId, "storeId");
      events = List.copyOf(events);
      if (events.isEmpty()) {
        throw new IllegalArgumentException("a send holds at least one event");
      }
    }
  }

  public ShopTraffic {
    stores = List.copyOf(stores);
    sends = List.copyOf(sends);
  }

  /**
   * Two stores, {@code prints} (UTC) and {@code tees} (America/Los_Angeles), about {@code
   * eventsPerStore} generated events each over the 7 days ending {@code lastDay}.
   */
  public static ShopTraffic standard(LocalDate lastDay, int eventsPerStore) {
    List<Store> stores =
        List.of(
            Store.of("prints", "UTC", "USD", List.of()),
            Store.of("tees", "America/Los_Angeles", "USD", List.of()));
    Parts a =
        parts("prints", new Workload(7, users(eventsPerStore), 24, 7, eventsPerStore, lastDay));
    Parts b =
        parts("tees", new Workload(99, users(eventsPerStore), 24, 7, eventsPerStore, lastDay));
    List<Send> sends = new ArrayList<>();
    Iterator<Send> ia = a.visits.iterator();
    Iterator<Send> ib = b.visits.iterator();
    while (ia.hasNext() || ib.hasNext()) {
      if (ia.hasNext()) {
        sends.add(ia.next());
      }
      if (ib.hasNext()) {
        sends.add(ib.next());
      }
    }
    sends.addAll(a.refunds);
    sends.addAll(b.refunds);
    sends.addAll(a.late);
    sends.addAll(b.late);
    return new ShopTraffic(stores, sends);
  }

  public Store store(String id) {
    return stores.stream()
        .filter(s -> s.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no store " + id));
  }

  /** Every event sent to a store, in send order, duplicates included. */
  public List<RawEvent> events(String storeId) {
    List<RawEvent> out = new ArrayList<>();
    for (Send s : sends) {
      if (s.storeId().equals(storeId)) {
        out.addAll(s.events());
      }
    }
    return out;
  }

  /** All events of all stores. */
  public int eventCount() {
    return sends.stream().mapToInt(s -> s.events().size()).sum();
  }

  private record Parts(List<Send> visits, List<Send> refunds, List<Send> late) {}

  private static int users(int events) {
    return Math.max(20, events / 25);
  }

  private static Parts parts(String storeId, Workload workload) {
    List<List<RawEvent>> visits = new ArrayList<>();
    for (var json : workload.generate()) {
      RawEvent e = RawEvent.fromSegment(json);
      List<RawEvent> last = visits.isEmpty() ? null : visits.get(visits.size() - 1);
      if (last == null || !Objects.equals(last.get(0).anonymousId(), e.anonymousId())) {
        last = new ArrayList<>();
        visits.add(last);
      }
      last.add(e);
    }
    Random rnd = new Random(workload.seed() * 31 + 1);
    List<Send> sent = new ArrayList<>();
    List<Send> late = new ArrayList<>();
    Map<Integer, List<Send>> retries = new HashMap<>();
    List<Send> refunds = new ArrayList<>();
    for (int i = 0; i < visits.size(); i++) {
      List<RawEvent> visit = new ArrayList<>(visits.get(i));
      if (rnd.nextInt(25) == 0) {
        late.add(
            new Send(storeId, visit.stream().map(e -> e.earlier(Duration.ofDays(10))).toList()));
      } else {
        if (rnd.nextInt(40) == 0) {
          visit.add(visit.get(visit.size() - 1)); // a double submit inside one call
        }
        Send send = new Send(storeId, visit);
        sent.add(send);
        if (rnd.nextInt(20) == 0) {
          retries.computeIfAbsent(i + 3, k -> new ArrayList<>()).add(send); // a client retry
        }
        for (RawEvent e : visits.get(i)) {
          if ("Order Completed".equals(e.name()) && rnd.nextInt(6) == 0) {
            refunds.add(new Send(storeId, List.of(refundOf(e))));
          }
        }
      }
      sent.addAll(retries.getOrDefault(i, List.of()));
      retries.remove(i);
    }
    retries.values().forEach(sent::addAll);
    return new Parts(sent, refunds, late);
  }

  /** The shop's server refunds a whole order a day later, for the user if it knows one. */
  private static RawEvent refundOf(RawEvent order) {
    return new RawEvent(
        "track",
        "refund-" + order.messageId(),
        order.userId() == null ? order.anonymousId() : null,
        order.userId(),
        "Order Refunded",
        order.properties().deepCopy(),
        null,
        order.at().plus(Duration.ofDays(1)),
        Duration.ZERO);
  }
}
