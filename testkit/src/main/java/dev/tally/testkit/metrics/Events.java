package dev.tally.testkit.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds raw test events with unique message ids, and random mixes of every kind. */
public final class Events {
  private final AtomicInteger seq = new AtomicInteger();
  private final String prefix;

  public Events(String prefix) {
    this.prefix = prefix;
  }

  private String nextId() {
    return prefix + "-" + seq.incrementAndGet();
  }

  public RawEvent page(String anon, String user, Instant at) {
    ObjectNode p = Json.mapper().createObjectNode().put("path", "/");
    return new RawEvent("page", nextId(), anon, user, "Home", p, null, at, Duration.ZERO);
  }

  public RawEvent track(String anon, String user, String event, ObjectNode props, Instant at) {
    return new RawEvent("track", nextId(), anon, user, event, props, null, at, Duration.ZERO);
  }

  public RawEvent product(String anon, String user, String event, String productId, Instant at) {
    ObjectNode p =
        Json.mapper()
            .createObjectNode()
            .put("product_id", productId)
            .put("price", new BigDecimal("12.50"));
    return track(anon, user, event, p, at);
  }

  /** An order of {@code lines} as {productId, price, quantity} with a revenue property. */
  public RawEvent order(String anon, String user, String event, Instant at, Object[]... lines) {
    ObjectNode p =
        Json.mapper().createObjectNode().put("order_id", nextId()).put("currency", "USD");
    var arr = p.putArray("products");
    BigDecimal total = BigDecimal.ZERO;
    for (Object[] l : lines) {
      BigDecimal price = new BigDecimal((String) l[1]);
      int qty = (Integer) l[2];
      arr.addObject().put("product_id", (String) l[0]).put("price", price).put("quantity", qty);
      total = total.add(price.multiply(BigDecimal.valueOf(qty)));
    }
    p.put("revenue", total);
    return track(anon, user, event, p, at);
  }

  public RawEvent identify(String anon, String user, Instant at) {
    ObjectNode t = Json.mapper().createObjectNode().put("name", "Someone");
    return new RawEvent("identify", nextId(), anon, user, null, t, null, at, Duration.ZERO);
  }

  public RawEvent alias(String previousId, String user, Instant at) {
    return new RawEvent("alias", nextId(), null, user, null, null, previousId, at, Duration.ZERO);
  }

  private static final String[] TRACKS = {
    "Product Viewed",
    "Product Added",
    "Product Removed",
    "Cart Viewed",
    "Checkout Started",
    "Order Completed",
    "Order Refunded",
    "Order Cancelled",
    "Products Searched",
    "Product List Viewed",
    "Newsletter Joined"
  };

  /**
   * A random mix of every kind of call: anonymous and signed-in visitors, identify and alias,
   * skewed client clocks, events spread over {@code days} days before {@code end}.
   */
  public List<RawEvent> randomMix(Random rnd, int count, int people, int days, Instant end) {
    List<RawEvent> out = new ArrayList<>();
    while (out.size() < count) {
      int who = rnd.nextInt(people);
      String anon = rnd.nextInt(5) == 0 ? null : "anon-" + who;
      String user = anon == null || rnd.nextInt(3) == 0 ? "user-" + who % (people / 2 + 1) : null;
      Instant at = end.minusSeconds(rnd.nextInt(days * 86_400));
      RawEvent e;
      int kind = rnd.nextInt(20);
      if (kind == 0 && anon != null) {
        e = identify(anon, "user-" + who % (people / 2 + 1), at);
      } else if (kind == 1) {
        e = alias("anon-" + rnd.nextInt(people), "user-" + rnd.nextInt(people / 2 + 1), at);
      } else if (kind < 6) {
        e = page(anon, user, at);
      } else {
        String name = TRACKS[rnd.nextInt(TRACKS.length)];
        String pid = "p-" + rnd.nextInt(7);
        e =
            switch (name) {
              case "Order Completed", "Order Refunded", "Order Cancelled" ->
                  order(
                      anon,
                      user,
                      name,
                      at,
                      new Object[] {
                        pid,
                        (1 + rnd.nextInt(90)) + "." + rnd.nextInt(10) + rnd.nextInt(10),
                        1 + rnd.nextInt(3)
                      },
                      new Object[] {"p-" + rnd.nextInt(7), "0.99", 1});
              case "Product Viewed", "Product Added", "Product Removed" ->
                  product(anon, user, name, pid, at);
              default ->
                  track(anon, user, name, Json.mapper().createObjectNode().put("query", "x"), at);
            };
      }
      if (rnd.nextInt(4) == 0) {
        e = e.withSkew(Duration.ofMinutes(rnd.nextInt(600) - 300));
      }
      out.add(e);
    }
    return out;
  }

  private static final String[] AGENTS = {
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1",
    "Googlebot/2.1 (+http://www.google.com/bot.html)"
  };

  private static final String[] REFERRERS = {
    null,
    "https://www.google.com/",
    "https://l.instagram.com/",
    "https://blog.example.org/a",
    "https://shop.example/cart"
  };

  private static final String[] QUERIES = {
    "",
    "",
    "?utm_source=Newsletter&utm_medium=email&utm_campaign=Weekly",
    "?gclid=abc",
    "?utm_source=google&utm_medium=cpc&utm_campaign=autumn",
    "?ref=x"
  };

  /**
   * The events with the context a browser would have sent: each device keeps one user agent, and a
   * page view or (sometimes) a track call carries its page URL (some with UTM parameters) and a
   * referrer. A third of the track calls carry none, as a server-side call would.
   */
  public static List<RawEvent> withTouches(Random rnd, List<RawEvent> events) {
    java.util.Map<String, String> agents = new java.util.HashMap<>();
    List<RawEvent> out = new ArrayList<>(events.size());
    for (RawEvent e : events) {
      ObjectNode ctx = touch(rnd, agents, e.type(), e.deviceId());
      out.add(ctx == null ? e : e.withContext(ctx));
    }
    return out;
  }

  /** {@link #withTouches} for Segment calls as JSON: sets their {@code context} in place. */
  public static void addTouches(Random rnd, List<ObjectNode> calls) {
    java.util.Map<String, String> agents = new java.util.HashMap<>();
    for (ObjectNode n : calls) {
      String device =
          n.hasNonNull("anonymousId") ? n.path("anonymousId").asText() : n.path("userId").asText();
      ObjectNode ctx = touch(rnd, agents, n.path("type").asText(), device);
      if (ctx != null) {
        n.set("context", ctx);
      }
    }
  }

  private static ObjectNode touch(
      Random rnd, java.util.Map<String, String> agents, String type, String device) {
    boolean activity = type.equals("track") || type.equals("page");
    if (!activity || (type.equals("track") && rnd.nextInt(3) == 0)) {
      return null;
    }
    ObjectNode ctx = Json.mapper().createObjectNode();
    ctx.put("userAgent", agents.computeIfAbsent(device, d -> AGENTS[rnd.nextInt(4)]));
    ObjectNode page = ctx.putObject("page");
    page.put("url", "https://shop.example/p/" + rnd.nextInt(4) + QUERIES[rnd.nextInt(6)]);
    String ref = REFERRERS[rnd.nextInt(REFERRERS.length)];
    if (ref != null) {
      page.put("referrer", ref);
    }
    return ctx;
  }
}
