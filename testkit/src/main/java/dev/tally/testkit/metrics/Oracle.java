package dev.tally.testkit.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The expected metrics, recomputed the obvious way with plain loops over the raw events: no code
 * shared with the aggregator. An event counts under its own ids (its user id, else its anonymous
 * id), so the batches' order and cuts do not matter; links are merged by readers.
 *
 * <p>Result keys: {@code USER|<uid>|<day>}, {@code STORE|<day>} (all shards summed), {@code
 * PRODUCT|<id>|<day>}, {@code CUSTOMER|<uid>} (lifetime orders and revenue) and {@code
 * BUYERS|<uid>|<day>} (that day's); values map attribute names to numbers.
 */
public final class Oracle {
  private Oracle() {}

  public static Map<String, Map<String, Long>> expected(List<List<RawEvent>> batches, ZoneId zone) {
    Set<String> counted = new HashSet<>();
    Map<String, Map<String, Long>> out = new TreeMap<>();
    Map<String, Integer> deviceSteps = new HashMap<>();
    for (List<RawEvent> batch : batches) {
      for (RawEvent e : batch) {
        if (!e.isActivity() || !counted.add(e.messageId())) {
          continue;
        }
        String uid = e.userId() != null ? e.userId() : e.anonymousId();
        LocalDate day = LocalDate.ofInstant(e.at(), zone);
        Map<String, Long> user =
            out.computeIfAbsent("USER|" + uid + "|" + day, k -> new TreeMap<>());
        Map<String, Long> store = out.computeIfAbsent("STORE|" + day, k -> new TreeMap<>());
        long t = e.at().toEpochMilli();
        user.merge("firstSeen", t, Math::min);
        user.merge("lastSeen", t, Math::max);
        int steps = 1; // visited
        for (String[] c : counters(e)) {
          add(user, c[0], Long.parseLong(c[1]));
          add(store, c[0], Long.parseLong(c[1]));
        }
        String name = e.type().equals("track") ? e.name() : "";
        JsonNode p = e.properties();
        switch (name) {
          case "Product Viewed" -> {
            steps |= 2;
            add(product(out, p.path("product_id").asText(), day), "views", 1);
          }
          case "Product Added" -> {
            steps |= 4;
            add(product(out, p.path("product_id").asText(), day), "adds", 1);
          }
          case "Product Removed" ->
              add(product(out, p.path("product_id").asText(), day), "removes", 1);
          case "Checkout Started" -> steps |= 8;
          case "Order Completed" -> {
            steps |= 16;
            // The customer items: lifetime per uid, and per uid and day (the buyers partitions).
            for (String k : new String[] {"CUSTOMER|" + uid, "BUYERS|" + uid + "|" + day}) {
              Map<String, Long> c = out.computeIfAbsent(k, x -> new TreeMap<>());
              add(c, "ordersCompleted", 1);
              add(c, "revenue", cents(p.path("revenue").decimalValue()));
            }
            for (JsonNode line : p.path("products")) {
              Map<String, Long> prod = product(out, line.path("product_id").asText(), day);
              long qty = line.path("quantity").asLong();
              add(prod, "units", qty);
              add(prod, "revenue", cents(line.path("price").decimalValue()) * qty);
            }
          }
          default -> {}
        }
        deviceSteps.merge(e.deviceId() + "|" + day, steps, (a, b) -> a | b);
      }
    }
    String[] stepNames = {
      "visited", "viewedProduct", "addedToCart", "startedCheckout", "completedOrder"
    };
    for (var d : deviceSteps.entrySet()) {
      String[] parts = d.getKey().split("\\|");
      out.computeIfAbsent("USER|" + parts[0] + "|" + parts[1], k -> new TreeMap<>())
          .put("steps", (long) d.getValue());
      for (int i = 0; i < stepNames.length; i++) {
        if ((d.getValue() & (1 << i)) != 0) {
          add(out.get("STORE|" + parts[1]), stepNames[i], 1);
        }
      }
    }
    return out;
  }

  /** The identity links the batches establish: anonymous id → user id, first link wins. */
  public static Map<String, String> links(List<List<RawEvent>> batches) {
    Map<String, String> links = new TreeMap<>();
    batches.forEach(b -> b.forEach(e -> link(links, e)));
    return links;
  }

  /** Records the link an event carries, if any; the first link of an anonymous id wins. */
  private static void link(Map<String, String> links, RawEvent e) {
    if (e.anonymousId() != null && e.userId() != null) {
      links.putIfAbsent(e.anonymousId(), e.userId());
    }
    if (e.type().equals("alias") && !e.previousId().equals(e.userId())) {
      links.putIfAbsent(e.previousId(), e.userId());
    }
  }

  /** The counter increments of one event, as {attribute, amount}. */
  private static String[][] counters(RawEvent e) {
    if (e.type().equals("page")) {
      return new String[][] {{"events", "1"}, {"pageViews", "1"}};
    }
    JsonNode p = e.properties();
    return switch (e.name()) {
      case "Product Viewed" -> new String[][] {{"events", "1"}, {"productViews", "1"}};
      case "Product Added" -> new String[][] {{"events", "1"}, {"productsAdded", "1"}};
      case "Product Removed" -> new String[][] {{"events", "1"}, {"productsRemoved", "1"}};
      case "Cart Viewed" -> new String[][] {{"events", "1"}, {"cartViews", "1"}};
      case "Checkout Started" -> new String[][] {{"events", "1"}, {"checkoutsStarted", "1"}};
      case "Products Searched" -> new String[][] {{"events", "1"}, {"searches", "1"}};
      case "Product List Viewed" -> new String[][] {{"events", "1"}, {"productListViews", "1"}};
      case "Order Completed" ->
          new String[][] {
            {"events", "1"},
            {"ordersCompleted", "1"},
            {"revenue", "" + cents(p.path("revenue").decimalValue())},
            {"itemsPurchased", "" + units(p)}
          };
      case "Order Refunded" ->
          new String[][] {
            {"events", "1"},
            {"ordersRefunded", "1"},
            {"refunds", "" + cents(p.path("revenue").decimalValue())}
          };
      case "Order Cancelled" ->
          new String[][] {
            {"events", "1"},
            {"ordersCancelled", "1"},
            {"refunds", "" + cents(p.path("revenue").decimalValue())}
          };
      default -> new String[][] {{"events", "1"}, {"customEvents", "1"}};
    };
  }

  private static long units(JsonNode p) {
    long n = 0;
    for (JsonNode line : p.path("products")) {
      n += line.path("quantity").asLong();
    }
    return n;
  }

  private static long cents(BigDecimal amount) {
    return amount.movePointRight(2).longValueExact();
  }

  private static Map<String, Long> product(
      Map<String, Map<String, Long>> out, String id, LocalDate day) {
    return out.computeIfAbsent("PRODUCT|" + id + "|" + day, k -> new TreeMap<>());
  }

  private static void add(Map<String, Long> m, String attr, long v) {
    if (v != 0) {
      m.merge(attr, v, Long::sum);
    }
  }
}
