package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engines' answers in one canonical shape (money in minor units, days without activity left
 * out), and their comparison: exact for counts and money, and within 2% for the distinct figures an
 * engine estimates (Tally from sketches, OpenSearch with {@code cardinality}).
 *
 * <p>Shapes: funnel {@code {steps:[{step,userDays,users}]}}; user history {@code
 * {days:{day:{events,revenue}}}}; revenue by day {@code {days:{day:revenue}}}; top products {@code
 * {products:[{productId,revenue,units}]}}; summary {@code
 * {revenue,orders,visitors,buyers,prevRevenue,prevOrders,prevVisitors,prevBuyers}}.
 */
public final class Answers {
  /** Fields that Tally answers from HLL sketches (distinct people over a range). */
  public static final Set<String> DISTINCT =
      Set.of("users", "visitors", "buyers", "prevVisitors", "prevBuyers");

  /**
   * Fields OpenSearch's {@code cardinality} estimates: the distinct people, and device-days (a sum
   * of per-day estimates).
   */
  public static final Set<String> CARDINALITY =
      Set.of("users", "visitors", "buyers", "prevVisitors", "prevBuyers", "userDays");

  public static final double DISTINCT_TOLERANCE = 0.02;

  public static final String[] STEPS = {
    "visited", "viewedProduct", "addedToCart", "startedCheckout", "completedOrder"
  };

  private Answers() {}

  public static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }

  /**
   * The differences between two answers, empty when they agree. {@code approximate}: distinct
   * figures may differ by 2% (one side is Tally's estimate); otherwise every figure is exact.
   */
  public static List<String> differences(JsonNode a, JsonNode b, boolean approximate) {
    return differences(a, b, approximate ? DISTINCT : Set.of());
  }

  /** As above, with the fields that may differ by 2% named ({@link #CARDINALITY}, say). */
  public static List<String> differences(JsonNode a, JsonNode b, Set<String> estimated) {
    List<String> out = new ArrayList<>();
    diff("", a, b, estimated, out);
    return out;
  }

  private static void diff(
      String path, JsonNode a, JsonNode b, Set<String> approx, List<String> out) {
    if (a == null || b == null || a.isMissingNode() || b.isMissingNode()) {
      out.add(path + ": " + a + " vs " + b);
      return;
    }
    if (a.isObject() && b.isObject()) {
      Set<String> names = new java.util.TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        diff(path + "/" + n, a.path(n), b.path(n), approx, out);
      }
      return;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        out.add(path + ": " + a.size() + " vs " + b.size() + " entries");
        return;
      }
      for (int i = 0; i < a.size(); i++) {
        diff(path + "/" + i, a.get(i), b.get(i), approx, out);
      }
      return;
    }
    String field = path.substring(path.lastIndexOf('/') + 1);
    if (approx.contains(field) && a.isNumber() && b.isNumber()) {
      long x = a.asLong();
      long y = b.asLong();
      if (Math.abs(x - y) > Math.max(1, DISTINCT_TOLERANCE * Math.max(x, y))) {
        out.add(path + ": " + x + " vs " + y + " (more than 2% apart)");
      }
      return;
    }
    if (!a.equals(b) && !(a.isNumber() && b.isNumber() && a.asLong() == b.asLong())) {
      out.add(path + ": " + a + " vs " + b);
    }
  }

  /** Relative error of Tally's distinct figures against an exact answer (the largest one). */
  public static double worstDistinctError(JsonNode tally, JsonNode exact) {
    double[] worst = {0};
    walk(
        tally,
        exact,
        (field, x, y) -> {
          if (DISTINCT.contains(field) && y > 0) {
            worst[0] = Math.max(worst[0], Math.abs(x - y) / (double) y);
          }
        });
    return worst[0];
  }

  private interface Leaf {
    void accept(String field, long x, long y);
  }

  private static void walk(JsonNode a, JsonNode b, Leaf leaf) {
    if (a.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        var e = it.next();
        JsonNode other = b.path(e.getKey());
        if (e.getValue().isNumber() && other.isNumber()) {
          leaf.accept(e.getKey(), e.getValue().asLong(), other.asLong());
        } else if (e.getValue().isContainerNode()) {
          walk(e.getValue(), other, leaf);
        }
      }
    } else if (a.isArray()) {
      for (int i = 0; i < a.size() && i < b.size(); i++) {
        walk(a.get(i), b.get(i), leaf);
      }
    }
  }
}
