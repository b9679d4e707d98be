package dev.tally.opensearch.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.agg.Counter;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.ProductCounter;
import dev.tally.core.error.TallyException;
import dev.tally.core.event.Ecommerce;
import dev.tally.core.event.Json;
import dev.tally.core.store.Store;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The same figures computed by OpenSearch from the raw event documents, on the store's filtered
 * alias. Counters and money are filter and sum aggregations per day; distinct devices are exact:
 * every (day, device) pair of a step is listed with a paged composite aggregation and counted here.
 * The rules are Tally's (which events count as what, money only in the store's currency), written
 * against raw fields, so a document that is missing, extra or different shows up as a difference.
 */
public final class OpenSearchFigures {
  /** Largest number of distinct products compared in one range. */
  static final int MAX_PRODUCTS = 10_000;

  private static final int PAGE = 10_000;
  private final OpenSearch os;
  private final IndexNames names;

  public OpenSearchFigures(OpenSearch os, IndexNames names) {
    this.os = os;
    this.names = names;
  }

  public Figures read(Store store, LocalDate from, LocalDate to) {
    String target = names.storeAlias(store.id());
    Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
    counters(target, store, from, to, days);
    Map<String, Long> distinct = new HashMap<>();
    for (FunnelStep step : FunnelStep.values()) {
      distinct.put(step.attribute(), distinctDevices(target, step, from, to, days));
    }
    return new Figures(days, distinct, products(target, store, from, to));
  }

  private void counters(
      String target,
      Store store,
      LocalDate from,
      LocalDate to,
      Map<LocalDate, Map<String, Long>> days) {
    ObjectNode q = query(from, to, null);
    ObjectNode byDay = q.putObject("aggs").putObject("days");
    ObjectNode hist = byDay.putObject("date_histogram");
    hist.put("field", "day").put("calendar_interval", "day").put("format", "yyyy-MM-dd");
    hist.put("min_doc_count", 1);
    ObjectNode sub = byDay.putObject("aggs");
    ObjectNode counts = sub.putObject("counts").putObject("filters").putObject("filters");
    String currency = store.currency().getCurrencyCode();
    for (Counter c : Counter.values()) {
      ObjectNode f = countFilter(c, currency);
      if (f != null) {
        counts.set(c.attribute(), f);
      }
    }
    sum(
        sub,
        Counter.REVENUE.attribute(),
        and(term("event", Ecommerce.ORDER_COMPLETED), term("currency", currency)),
        "revenueMinor");
    sum(
        sub,
        Counter.REFUNDS.attribute(),
        and(
            terms("event", Ecommerce.ORDER_REFUNDED, Ecommerce.ORDER_CANCELLED),
            term("currency", currency)),
        "revenueMinor");
    sum(
        sub,
        Counter.ITEMS_PURCHASED.attribute(),
        term("event", Ecommerce.ORDER_COMPLETED),
        "items");
    JsonNode r = os.search(target, q);
    for (JsonNode b : r.path("aggregations").path("days").path("buckets")) {
      LocalDate day = LocalDate.parse(b.path("key_as_string").asText());
      Map<String, Long> m = days.computeIfAbsent(day, d -> new HashMap<>());
      b.path("counts")
          .path("buckets")
          .fields()
          .forEachRemaining(e -> m.put(e.getKey(), e.getValue().path("doc_count").asLong()));
      for (Counter c : List.of(Counter.REVENUE, Counter.REFUNDS, Counter.ITEMS_PURCHASED)) {
        m.put(c.attribute(), Math.round(b.path(c.attribute()).path("v").path("value").asDouble()));
      }
    }
  }

  /** The filter of a counting counter; null for the summed ones. */
  static ObjectNode countFilter(Counter c, String storeCurrency) {
    return switch (c) {
      case EVENTS -> terms("type", "track", "page");
      case PAGE_VIEWS -> term("type", "page");
      case PRODUCT_VIEWS -> term("event", Ecommerce.PRODUCT_VIEWED);
      case PRODUCT_LIST_VIEWS -> term("event", Ecommerce.PRODUCT_LIST_VIEWED);
      case PRODUCTS_ADDED -> term("event", Ecommerce.PRODUCT_ADDED);
      case PRODUCTS_REMOVED -> term("event", Ecommerce.PRODUCT_REMOVED);
      case CART_VIEWS -> term("event", Ecommerce.CART_VIEWED);
      case CHECKOUTS_STARTED -> term("event", Ecommerce.CHECKOUT_STARTED);
      case ORDERS_COMPLETED -> term("event", Ecommerce.ORDER_COMPLETED);
      case ORDERS_REFUNDED -> term("event", Ecommerce.ORDER_REFUNDED);
      case ORDERS_CANCELLED -> term("event", Ecommerce.ORDER_CANCELLED);
      case SEARCHES -> term("event", Ecommerce.PRODUCTS_SEARCHED);
      case CUSTOM_EVENTS -> {
        ObjectNode b = Json.mapper().createObjectNode();
        ObjectNode bool = b.putObject("bool");
        bool.putArray("filter").add(term("type", "track"));
        bool.putArray("must_not").add(terms("event", Ecommerce.ALL.toArray(String[]::new)));
        yield b;
      }
      case UNCONVERTED_ORDERS -> {
        ObjectNode b = Json.mapper().createObjectNode();
        ObjectNode bool = b.putObject("bool");
        bool.putArray("filter").add(term("event", Ecommerce.ORDER_COMPLETED));
        bool.putArray("must_not").add(term("currency", storeCurrency));
        yield b;
      }
      case REVENUE, REFUNDS, ITEMS_PURCHASED -> null;
    };
  }

  /** Which documents reach a funnel step (Tally's rule). */
  static ObjectNode stepFilter(FunnelStep step) {
    return switch (step) {
      case VISITED -> terms("type", "track", "page");
      case VIEWED_PRODUCT -> term("event", Ecommerce.PRODUCT_VIEWED);
      case ADDED_TO_CART -> term("event", Ecommerce.PRODUCT_ADDED);
      case STARTED_CHECKOUT -> term("event", Ecommerce.CHECKOUT_STARTED);
      case COMPLETED_ORDER -> term("event", Ecommerce.ORDER_COMPLETED);
    };
  }

  /**
   * Lists every (day, device) pair of the step with a composite aggregation, page by page; puts the
   * per-day counts in {@code days} and returns the distinct devices over the whole range.
   */
  private long distinctDevices(
      String target,
      FunnelStep step,
      LocalDate from,
      LocalDate to,
      Map<LocalDate, Map<String, Long>> days) {
    Set<String> devices = new HashSet<>();
    Map<LocalDate, Long> perDay = new TreeMap<>();
    JsonNode after = null;
    while (true) {
      ObjectNode q = query(from, to, stepFilter(step));
      ObjectNode comp = q.putObject("aggs").putObject("pairs").putObject("composite");
      comp.put("size", PAGE);
      ArrayNode sources = comp.putArray("sources");
      sources
          .addObject()
          .putObject("day")
          .putObject("date_histogram")
          .put("field", "day")
          .put("calendar_interval", "day")
          .put("format", "yyyy-MM-dd");
      sources.addObject().putObject("device").putObject("terms").put("field", "deviceId");
      if (after != null) {
        comp.set("after", after);
      }
      JsonNode agg = os.search(target, q).path("aggregations").path("pairs");
      JsonNode buckets = agg.path("buckets");
      for (JsonNode b : buckets) {
        perDay.merge(LocalDate.parse(b.path("key").path("day").asText()), 1L, Long::sum);
        devices.add(b.path("key").path("device").asText());
      }
      after = agg.get("after_key");
      if (buckets.size() < PAGE || after == null) {
        break;
      }
    }
    perDay.forEach(
        (d, n) -> days.computeIfAbsent(d, k -> new HashMap<>()).put(step.attribute(), n));
    return devices.size();
  }

  private Map<String, Map<String, Long>> products(
      String target, Store store, LocalDate from, LocalDate to) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    String currency = store.currency().getCurrencyCode();
    ObjectNode q = query(from, to, null);
    ObjectNode aggs = q.putObject("aggs");
    // Views, adds and removes: one per event carrying a product id.
    ObjectNode events = aggs.putObject("events");
    events.putObject("terms").put("field", "productId").put("size", MAX_PRODUCTS);
    ObjectNode kinds =
        events.putObject("aggs").putObject("kinds").putObject("filters").putObject("filters");
    kinds.set(ProductCounter.VIEWS.attribute(), term("event", Ecommerce.PRODUCT_VIEWED));
    kinds.set(ProductCounter.ADDS.attribute(), term("event", Ecommerce.PRODUCT_ADDED));
    kinds.set(ProductCounter.REMOVES.attribute(), term("event", Ecommerce.PRODUCT_REMOVED));
    // Units (any currency) and revenue (the store's currency) from the order lines.
    lines(aggs, "units", term("event", Ecommerce.ORDER_COMPLETED), "quantity");
    lines(
        aggs,
        "revenue",
        and(term("event", Ecommerce.ORDER_COMPLETED), term("currency", currency)),
        "revenueMinor");
    JsonNode r = os.search(target, q).path("aggregations");
    checkComplete(r.path("events"));
    for (JsonNode b : r.path("events").path("buckets")) {
      Map<String, Long> m = out.computeIfAbsent(b.path("key").asText(), k -> zeroProduct());
      b.path("kinds")
          .path("buckets")
          .fields()
          .forEachRemaining(e -> m.put(e.getKey(), e.getValue().path("doc_count").asLong()));
    }
    for (String counter : List.of("units", "revenue")) {
      JsonNode t = r.path(counter).path("lines").path("products");
      checkComplete(t);
      for (JsonNode b : t.path("buckets")) {
        out.computeIfAbsent(b.path("key").asText(), k -> zeroProduct())
            .put(counter, Math.round(b.path("v").path("value").asDouble()));
      }
    }
    return out;
  }

  private static Map<String, Long> zeroProduct() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (ProductCounter c : ProductCounter.values()) {
      m.put(c.attribute(), 0L);
    }
    return m;
  }

  private static void lines(ObjectNode aggs, String name, ObjectNode filter, String field) {
    ObjectNode f = aggs.putObject(name);
    f.set("filter", filter);
    ObjectNode nested = f.putObject("aggs").putObject("lines");
    nested.putObject("nested").put("path", "lines");
    ObjectNode products = nested.putObject("aggs").putObject("products");
    products.putObject("terms").put("field", "lines.productId").put("size", MAX_PRODUCTS);
    products.putObject("aggs").putObject("v").putObject("sum").put("field", "lines." + field);
  }

  private static void checkComplete(JsonNode terms) {
    if (terms.path("sum_other_doc_count").asLong(0) > 0) {
      throw new TallyException(
          "too_many_products",
          "more than " + MAX_PRODUCTS + " products in the range; verify a shorter range");
    }
  }

  private static void sum(ObjectNode aggs, String name, ObjectNode filter, String field) {
    ObjectNode f = aggs.putObject(name);
    f.set("filter", filter);
    f.putObject("aggs").putObject("v").putObject("sum").put("field", field);
  }

  /** size 0, the day range, and an optional extra filter. */
  private static ObjectNode query(LocalDate from, LocalDate to, ObjectNode extra) {
    ObjectNode q = Json.mapper().createObjectNode();
    q.put("size", 0);
    q.put("track_total_hits", false);
    ArrayNode filter = q.putObject("query").putObject("bool").putArray("filter");
    filter
        .addObject()
        .putObject("range")
        .putObject("day")
        .put("gte", from.toString())
        .put("lte", to.toString());
    if (extra != null) {
      filter.add(extra);
    }
    return q;
  }

  static ObjectNode term(String field, String value) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.putObject("term").put(field, value);
    return n;
  }

  static ObjectNode terms(String field, String... values) {
    ObjectNode n = Json.mapper().createObjectNode();
    ArrayNode a = n.putObject("terms").putArray(field);
    for (String v : values) {
      a.add(v);
    }
    return n;
  }

  static ObjectNode and(ObjectNode... filters) {
    ObjectNode n = Json.mapper().createObjectNode();
    ArrayNode a = n.putObject("bool").putArray("filter");
    for (ObjectNode f : filters) {
      a.add(f);
    }
    return n;
  }
}
