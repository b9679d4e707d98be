package dev.tally.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recomputes the query API's figures straight from the raw events that were sent, without any Tally
 * code: days in the store's zone, counters by event name, distinct people by anonymous id. The ITs
 * compare every endpoint with it.
 */
final class EventOracle {
  static final List<String> STEPS =
      List.of("visited", "viewedProduct", "addedToCart", "startedCheckout", "completedOrder");

  /** One activity event, reduced to what the figures need. */
  record Fact(
      LocalDate day, String anon, String userId, String type, String name, JsonNode props) {}

  private final List<Fact> facts = new ArrayList<>();
  private final int digits;

  EventOracle(Collection<ObjectNode> events, ZoneId zone, int currencyDigits) {
    this.digits = currencyDigits;
    for (ObjectNode e : events) {
      String type = e.path("type").asText();
      if (!type.equals("track") && !type.equals("page")) {
        continue; // identify carries no activity
      }
      LocalDate day = LocalDate.ofInstant(Instant.parse(e.path("timestamp").asText()), zone);
      facts.add(
          new Fact(
              day,
              e.path("anonymousId").asText(),
              e.hasNonNull("userId") ? e.path("userId").asText() : null,
              type,
              e.path("event").asText(null),
              e.path("properties")));
    }
  }

  List<Fact> facts() {
    return facts;
  }

  /** Store counters of one day (all counter names the API knows; zero when absent). */
  Map<String, Long> counters(LocalDate from, LocalDate to) {
    return counters(
        facts.stream().filter(f -> !f.day.isBefore(from) && !f.day.isAfter(to)).toList());
  }

  Map<String, Long> counters(List<Fact> in) {
    Map<String, Long> c = new HashMap<>();
    for (Fact f : in) {
      c.merge("events", 1L, Long::sum);
      if (f.type.equals("page")) {
        c.merge("pageViews", 1L, Long::sum);
        continue;
      }
      switch (f.name) {
        case "Product Viewed" -> c.merge("productViews", 1L, Long::sum);
        case "Product Added" -> c.merge("productsAdded", 1L, Long::sum);
        case "Cart Viewed" -> c.merge("cartViews", 1L, Long::sum);
        case "Checkout Started" -> c.merge("checkoutsStarted", 1L, Long::sum);
        case "Order Completed" -> {
          c.merge("ordersCompleted", 1L, Long::sum);
          c.merge("revenue", minor(f.props.path("revenue").decimalValue()), Long::sum);
          for (JsonNode line : f.props.path("products")) {
            c.merge("itemsPurchased", line.path("quantity").asLong(1), Long::sum);
          }
        }
        default -> c.merge("customEvents", 1L, Long::sum);
      }
    }
    return c;
  }

  long minor(BigDecimal amount) {
    return amount.movePointRight(digits).longValueExact();
  }

  String money(long minor) {
    return BigDecimal.valueOf(minor, digits).toPlainString();
  }

  static Set<String> stepsOf(Fact f) {
    Set<String> s = new HashSet<>();
    s.add("visited");
    if ("track".equals(f.type)) {
      switch (f.name) {
        case "Product Viewed" -> s.add("viewedProduct");
        case "Product Added" -> s.add("addedToCart");
        case "Checkout Started" -> s.add("startedCheckout");
        case "Order Completed" -> s.add("completedOrder");
        default -> {}
      }
    }
    return s;
  }

  /** Sum over days of the distinct people (anonymous ids) that reached the step that day. */
  long userDays(String step, LocalDate from, LocalDate to) {
    Set<String> personDays = new HashSet<>();
    for (Fact f : facts) {
      if (!f.day.isBefore(from) && !f.day.isAfter(to) && stepsOf(f).contains(step)) {
        personDays.add(f.anon + "|" + f.day);
      }
    }
    return personDays.size();
  }

  /** Distinct people that reached the step at least once in the range. */
  long users(String step, LocalDate from, LocalDate to) {
    Set<String> people = new HashSet<>();
    for (Fact f : facts) {
      if (!f.day.isBefore(from) && !f.day.isAfter(to) && stepsOf(f).contains(step)) {
        people.add(f.anon);
      }
    }
    return people.size();
  }

  /** Product counters over the range: views, adds, units, revenue (minor units). */
  Map<String, Map<String, Long>> products(LocalDate from, LocalDate to) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Fact f : facts) {
      if (f.day.isBefore(from) || f.day.isAfter(to) || !"track".equals(f.type)) {
        continue;
      }
      switch (f.name) {
        case "Product Viewed" ->
            out.computeIfAbsent(f.props.path("product_id").asText(), k -> new HashMap<>())
                .merge("views", 1L, Long::sum);
        case "Product Added" ->
            out.computeIfAbsent(f.props.path("product_id").asText(), k -> new HashMap<>())
                .merge("adds", 1L, Long::sum);
        case "Order Completed" -> {
          for (JsonNode line : f.props.path("products")) {
            Map<String, Long> p =
                out.computeIfAbsent(line.path("product_id").asText(), k -> new HashMap<>());
            long qty = line.path("quantity").asLong(1);
            p.merge("units", qty, Long::sum);
            p.merge("revenue", minor(line.path("price").decimalValue()) * qty, Long::sum);
          }
        }
        default -> {}
      }
    }
    return out;
  }

  /** Anonymous ids seen together with a user id. */
  Set<String> linkedAnons(String userId) {
    Set<String> out = new HashSet<>();
    for (Fact f : facts) {
      if (userId.equals(f.userId)) {
        out.add(f.anon);
      }
    }
    return out;
  }

  /** One person's counters per day: their own events plus anonymous events of linked ids. */
  Map<LocalDate, Map<String, Long>> userDaysOf(String uid) {
    Set<String> anons = linkedAnons(uid);
    Map<LocalDate, List<Fact>> byDay = new TreeMap<>();
    for (Fact f : facts) {
      boolean mine =
          uid.equals(f.userId)
              || (f.userId == null && (anons.contains(f.anon) || uid.equals(f.anon)));
      if (mine) {
        byDay.computeIfAbsent(f.day, k -> new ArrayList<>()).add(f);
      }
    }
    Map<LocalDate, Map<String, Long>> out = new TreeMap<>();
    byDay.forEach((d, list) -> out.put(d, counters(list)));
    return out;
  }
}
