package dev.tally.core.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded, realistic store workload: visitors with sessions that browse products with Zipf
 * popularity and drop off through the funnel; some sign in mid-session. The same spec always gives
 * the same events, so benchmarks and tests can be repeated exactly.
 *
 * @param users distinct visitors
 * @param products catalog size
 * @param days days of history, ending with {@code lastDay}
 * @param events approximate number of events to generate
 * @param devices devices per visitor who signs in: with more than 1, each of their sessions runs on
 *     one of that many devices (its own anonymous id, {@code anon-SEED-USER} for the first and
 *     {@code anon-SEED-USER-dN} for the others), so one user id is linked to several anonymous ids
 *     by sign-ins; visitors who never sign in keep one device
 */
public record Workload(
    long seed, int users, int products, int days, int events, LocalDate lastDay, int devices) {

  public Workload {
    if (devices < 1) {
      throw new IllegalArgumentException("devices must be at least 1");
    }
  }

  /** One device per visitor. */
  public Workload(long seed, int users, int products, int days, int events, LocalDate lastDay) {
    this(seed, users, products, days, events, lastDay, 1);
  }

  /** The same workload with up to {@code n} devices per visitor who signs in. */
  public Workload withDevices(int n) {
    return new Workload(seed, users, products, days, events, lastDay, n);
  }

  /** The standard benchmark workload: 1,000 users, 200 products, 30 days, 100,000 events. */
  public static Workload standard(LocalDate lastDay) {
    return new Workload(42, 1_000, 200, 30, 100_000, lastDay);
  }

  /** A small workload for the demo and tests. */
  public static Workload small(LocalDate lastDay) {
    return new Workload(7, 60, 24, 7, 1_500, lastDay);
  }

  public List<ObjectNode> generate() {
    Random rnd = new Random(seed);
    double[] zipf = Zipf.cdf(products, 1.1);
    List<ObjectNode> out = new ArrayList<>(events + 64);
    Instant start = lastDay.minusDays(days - 1L).atStartOfDay().toInstant(ZoneOffset.UTC);
    long span = Duration.ofDays(days).toMillis() - 1;
    int seq = 0;
    while (out.size() < events) {
      int user = rnd.nextInt(users);
      String userId = null;
      boolean signsIn = user % 3 == 0;
      // Drawn only with several devices, so one-device workloads stay exactly as they were.
      int device = signsIn && devices > 1 ? rnd.nextInt(devices) : 0;
      String anon = "anon-" + seed + "-" + user + (device == 0 ? "" : "-d" + device);
      Instant t = start.plusMillis((long) (rnd.nextDouble() * span * 0.98));
      int views = 1 + rnd.nextInt(6);
      out.add(page(anon, userId, t, "/", seq++));
      boolean added = false;
      List<Integer> cart = new ArrayList<>();
      for (int v = 0; v < views && out.size() < events; v++) {
        t = t.plusSeconds(5 + rnd.nextInt(60));
        int p = Zipf.pick(zipf, rnd);
        out.add(track(anon, userId, t, "Product Viewed", product(p), seq++));
        if (rnd.nextDouble() < 0.25) {
          t = t.plusSeconds(3 + rnd.nextInt(20));
          out.add(track(anon, userId, t, "Product Added", product(p).put("quantity", 1), seq++));
          cart.add(p);
          added = true;
        }
      }
      if (signsIn && added) {
        userId = "user-" + seed + "-" + user;
        t = t.plusSeconds(10);
        ObjectNode id = base("identify", anon, userId, t, seq++);
        id.putObject("traits").put("name", "Shopper " + user);
        out.add(id);
      }
      if (added && rnd.nextDouble() < 0.6) {
        t = t.plusSeconds(20);
        out.add(track(anon, userId, t, "Cart Viewed", Json.mapper().createObjectNode(), seq++));
        t = t.plusSeconds(20);
        out.add(
            track(anon, userId, t, "Checkout Started", Json.mapper().createObjectNode(), seq++));
        if (rnd.nextDouble() < 0.7) {
          t = t.plusSeconds(60);
          ObjectNode props = Json.mapper().createObjectNode();
          props.put("order_id", "o-" + seed + "-" + seq);
          props.put("currency", "USD");
          var lines = props.putArray("products");
          BigDecimal total = BigDecimal.ZERO;
          for (int p : cart) {
            BigDecimal price = price(p);
            lines.addObject().put("product_id", "p-" + p).put("price", price).put("quantity", 1);
            total = total.add(price);
          }
          props.put("revenue", total);
          out.add(track(anon, userId, t, "Order Completed", props, seq++));
        }
      }
    }
    return out;
  }

  /**
   * The same events with the generator's product numbers mapped onto a real catalog (ids and
   * prices), so that generated history and a live demo store show the same products.
   */
  public static List<ObjectNode> onCatalog(
      List<ObjectNode> events, List<String> ids, List<BigDecimal> prices) {
    List<ObjectNode> out = new ArrayList<>(events.size());
    for (ObjectNode e : events) {
      ObjectNode copy = e.deepCopy();
      JsonNodeRemap.products(copy, ids, prices);
      out.add(copy);
    }
    return out;
  }

  /** Rewrites {@code p-N} product references in one event's properties. */
  private static final class JsonNodeRemap {
    static void products(ObjectNode event, List<String> ids, List<BigDecimal> prices) {
      if (!(event.get("properties") instanceof ObjectNode props)) {
        return;
      }
      remap(props, ids, prices);
      if (props.get("products") instanceof com.fasterxml.jackson.databind.node.ArrayNode lines) {
        BigDecimal total = BigDecimal.ZERO;
        for (var line : lines) {
          remap((ObjectNode) line, ids, prices);
          total =
              total.add(
                  line.path("price")
                      .decimalValue()
                      .multiply(BigDecimal.valueOf(line.path("quantity").asLong(1))));
        }
        props.put("revenue", total);
      }
    }

    private static void remap(ObjectNode o, List<String> ids, List<BigDecimal> prices) {
      String id = o.path("product_id").asText("");
      if (id.startsWith("p-")) {
        int i = Integer.parseInt(id.substring(2)) % ids.size();
        o.put("product_id", ids.get(i));
        o.put("price", prices.get(i));
      }
    }
  }

  static BigDecimal price(int p) {
    return BigDecimal.valueOf(1500 + (p * 373L) % 8500, 2);
  }

  private static ObjectNode product(int p) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("product_id", "p-" + p);
    n.put("price", price(p));
    n.put("currency", "USD");
    return n;
  }

  private ObjectNode page(String anon, String userId, Instant t, String path, int seq) {
    ObjectNode n = base("page", anon, userId, t, seq);
    n.put("name", "Home");
    n.putObject("properties").put("path", path);
    return n;
  }

  private ObjectNode track(
      String anon, String userId, Instant t, String event, ObjectNode props, int seq) {
    ObjectNode n = base("track", anon, userId, t, seq);
    n.put("event", event);
    n.set("properties", props);
    return n;
  }

  private ObjectNode base(String type, String anon, String userId, Instant t, int seq) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("type", type);
    n.put("messageId", "m-" + seed + "-" + seq);
    n.put("anonymousId", anon);
    if (userId != null) {
      n.put("userId", userId);
    }
    n.put("timestamp", t.toString());
    return n;
  }
}
