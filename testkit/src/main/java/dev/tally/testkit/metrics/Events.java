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
}
