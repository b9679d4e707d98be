package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.agg.OrderMath;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.ParseOptions;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.Store;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The seeded peers workload: the standard generator ({@link Workload}: sessions, funnel drop-off,
 * Zipf products over one catalog, sign-ins, up to {@link #DEVICES} devices per visitor who signs
 * in, each linked to the user id by its own sign-in) over 90 days, produced in chunks of disjoint
 * visitors so that no engine, Tally included, ever needs the whole raw volume in memory. Every
 * tenth order is refunded two days later. The same (events, last day) always gives the same events,
 * so each engine's process regenerates exactly what the others loaded.
 */
public record PeerWorkload(int events, LocalDate lastDay) {
  public static final int DAYS = 90;
  public static final int PRODUCTS = 200;
  public static final int EVENTS_PER_USER = 20;
  static final int CHUNK = 100_000;

  /** Devices (anonymous ids) per visitor who signs in. */
  public static final int DEVICES = 3;

  /** The one store every engine holds: UTC, USD. */
  public static final Store STORE = Store.of("peers", "UTC", "USD", List.of());

  /** Calls {@code sink} with each chunk of parsed events (identify calls included), in order. */
  public void forEach(Consumer<List<Event>> sink) {
    EventParser parser = new EventParser(ParseOptions.live().historical());
    // The generator's events are far under the per-event size limit: no need to measure each.
    EventParser.BatchContext ctx = new EventParser.BatchContext(Instant.now(), null, null, 0);
    int chunks = Math.max(1, (events + CHUNK - 1) / CHUNK);
    for (int c = 0; c < chunks; c++) {
      int n = Math.min(CHUNK, events - c * CHUNK);
      if (n <= 0) {
        break;
      }
      List<ObjectNode> raw = chunk(c, n);
      List<Event> parsed = new ArrayList<>(raw.size());
      for (ObjectNode o : raw) {
        parsed.add(parser.parse(o, null, ctx, STORE.currency()));
      }
      sink.accept(parsed);
    }
  }

  /** Chunk {@code c}: its own visitors (ids carry the chunk's seed), the shared catalog. */
  List<ObjectNode> chunk(int c, int n) {
    long seed = 1_000L + c;
    List<ObjectNode> raw =
        new Workload(seed, Math.max(50, n / EVENTS_PER_USER), PRODUCTS, DAYS, n, lastDay)
            .withDevices(DEVICES)
            .generate();
    List<ObjectNode> refunds = new ArrayList<>();
    int orders = 0;
    for (ObjectNode o : raw) {
      if ("Order Completed".equals(o.path("event").asText()) && ++orders % 10 == 0) {
        Instant at = Instant.parse(o.path("timestamp").asText()).plusSeconds(2 * 86_400L);
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("type", "track");
        r.put("event", "Order Refunded");
        r.put("messageId", o.path("messageId").asText() + "-refund");
        r.put("anonymousId", o.path("anonymousId").asText());
        if (o.hasNonNull("userId")) {
          r.put("userId", o.path("userId").asText());
        }
        r.put("timestamp", at.toString());
        ObjectNode p = r.putObject("properties");
        p.put("order_id", o.path("properties").path("order_id").asText());
        p.put("currency", "USD");
        p.set("revenue", o.path("properties").path("revenue"));
        refunds.add(r);
      }
    }
    raw.addAll(refunds);
    return raw;
  }

  /**
   * The user whose history is asked for: the signed-in visitor of the first chunk with the most
   * activity events.
   */
  public String busiestUser() {
    {
      Map<String, String> links = new HashMap<>();
      List<ObjectNode> raw = chunk(0, Math.min(CHUNK, events));
      for (ObjectNode o : raw) {
        if (o.hasNonNull("userId")) {
          links.putIfAbsent(o.path("anonymousId").asText(), o.path("userId").asText());
        }
      }
      Map<String, Integer> perUser = new HashMap<>();
      for (ObjectNode o : raw) {
        String t = o.path("type").asText();
        if (!t.equals("track") && !t.equals("page")) {
          continue;
        }
        String u = links.get(o.path("anonymousId").asText());
        if (u != null) {
          perUser.merge(u, 1, Integer::sum);
        }
      }
      return perUser.entrySet().stream()
          .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry::getKey))
          .orElseThrow()
          .getKey();
    }
  }

  /** One raw event as the SQL peers store it; money in minor units, derived as the writer does. */
  public record Row(
      String messageId,
      String type,
      String event,
      String anonymousId,
      String userId,
      String deviceId,
      Instant at,
      LocalDate day,
      String productId,
      long revenueMinor,
      List<OrderMath.Line> lines) {

    public static Row of(Event e) {
      var h = e.header();
      String type =
          e instanceof TrackEvent
              ? "track"
              : e instanceof dev.tally.core.event.PageEvent
                  ? "page"
                  : e instanceof dev.tally.core.event.IdentifyEvent ? "identify" : "alias";
      String name = null;
      String productId = null;
      long revenue = 0;
      List<OrderMath.Line> lines = List.of();
      if (e instanceof TrackEvent t) {
        name = t.event();
        productId = OrderMath.productId(t.properties());
        if (name.equals("Order Completed")) {
          var currency = OrderMath.currencyOf(t.properties(), STORE.currency());
          revenue = OrderMath.revenueMinor(t.properties(), currency);
          lines = OrderMath.lines(t.properties(), currency);
        } else if (name.equals("Order Refunded")) {
          var currency = OrderMath.currencyOf(t.properties(), STORE.currency());
          revenue = OrderMath.revenueMinor(t.properties(), currency);
        }
      }
      return new Row(
          h.messageId(),
          type,
          name,
          h.anonymousId(),
          h.userId(),
          h.deviceId(),
          h.timestamp(),
          LocalDate.ofInstant(h.timestamp(), ZoneOffset.UTC),
          productId,
          revenue,
          lines);
    }
  }
}
