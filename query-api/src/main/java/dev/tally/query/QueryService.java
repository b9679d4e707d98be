package dev.tally.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.agg.Counter;
import dev.tally.core.agg.Sums;
import dev.tally.core.error.AuthException;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Json;
import dev.tally.core.money.Money;
import dev.tally.core.store.ApiKeys;
import dev.tally.core.store.KeyKind;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import dev.tally.http.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API's logic and routing, free of any transport: the local server and the Lambda adapter
 * both call {@link #handle}. Authentication is the store's read key as a Bearer token.
 */
public final class QueryService {
  private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
  static final int MAX_LINKED_IDS = 20;

  /** Where the OpenAPI document of this API lives on the classpath. */
  public static final String OPENAPI_RESOURCE = "/openapi/tally-query-api.json";

  private final StoreRegistry stores;
  private final MetricsReader reader;
  private final StoreViews views;
  private final CustomerViews customers;
  private final ReadKeyLimiter limiter;
  private final JsonNode openApi;

  public QueryService(StoreRegistry stores, MetricsReader reader, QueryConfig config) {
    this.stores = stores;
    this.reader = reader;
    this.views = new StoreViews(reader, config.shards());
    this.customers = new CustomerViews(reader.customers());
    this.limiter = new ReadKeyLimiter(config);
    this.openApi = loadOpenApi();
  }

  public QueryResponse handle(QueryRequest req) {
    QueryResponse r = answer(req);
    // The tables come as CSV on request; everything else (errors, the contract) stays JSON.
    if (r.status() == 200 && req.wantsCsv() && Csv.supports(r.body())) {
      return new QueryResponse(200, r.body(), r.headers(), Csv.of(r.body()));
    }
    return r;
  }

  private QueryResponse answer(QueryRequest req) {
    try {
      if (!"GET".equalsIgnoreCase(req.method())) {
        throw new NotFoundException("no such endpoint: " + req.method() + " " + req.path());
      }
      String path =
          req.path().endsWith("/") ? req.path().substring(0, req.path().length() - 1) : req.path();
      if (path.equals("/api/v1/openapi.json")) {
        return QueryResponse.ok(openApi); // public: the contract, no data
      }
      Store store = authorize(req);
      Map<String, String> q = req.query();
      switch (path) {
        case "/api/v1/store":
          return QueryResponse.ok(storeInfo(store));
        case "/api/v1/funnel":
          return QueryResponse.ok(views.funnel(store, DateRange.parse(q)));
        case "/api/v1/timeseries":
          return QueryResponse.ok(
              views.timeseries(
                  store,
                  SeriesMetric.parse(q.get("metric")),
                  Interval.parse(q.get("interval")),
                  DateRange.parse(q)));
        case "/api/v1/products/top":
          return QueryResponse.ok(
              views.topProducts(store, DateRange.parse(q), q.get("by"), q.get("limit")));
        case "/api/v1/acquisition":
          return QueryResponse.ok(
              views.acquisition(store, DateRange.parse(q), q.get("by"), q.get("limit")));
        case "/api/v1/summary":
          return QueryResponse.ok(views.summary(store, DateRange.parse(q)));
        case "/api/v1/customers":
          return QueryResponse.ok(customers.customers(store, q));
        default:
          break;
      }
      if (path.startsWith("/api/v1/users/") && path.endsWith("/metrics")) {
        String uid =
            URLDecoder.decode(
                path.substring("/api/v1/users/".length(), path.length() - "/metrics".length()),
                StandardCharsets.UTF_8);
        return QueryResponse.ok(userMetrics(store, uid, DateRange.parse(q)));
      }
      throw new NotFoundException("no such endpoint: GET " + req.path());
    } catch (RuntimeException e) {
      return error(e);
    }
  }

  /**
   * The key decides the store. A {@code store} parameter, when given, must name that store; any
   * other value is a 404 worded the same whether or not such a store exists.
   */
  private Store authorize(QueryRequest req) {
    String key = bearer(req.authorization());
    Store store =
        stores
            .findByKey(key, KeyKind.READ)
            .orElseThrow(() -> AuthException.unknown("this read key"));
    limiter.take(ApiKeys.hash(key));
    String asked = req.query().get("store");
    if (asked != null && !ApiKeys.sameHash(ApiKeys.hash(asked), ApiKeys.hash(store.id()))) {
      throw new NotFoundException("no store '" + asked + "' for this read key");
    }
    return store;
  }

  private static JsonNode loadOpenApi() {
    try (InputStream in = QueryService.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath");
      }
      return Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static QueryResponse error(RuntimeException e) {
    ApiError err = ApiError.of(e);
    if (err.status() >= 500) {
      LOG.error("query failed", e);
    }
    Map<String, String> headers = new HashMap<>();
    if (err.retryAfterSeconds() > 0) {
      headers.put("Retry-After", Long.toString(err.retryAfterSeconds()));
    }
    if (err.status() == 401) {
      headers.put("WWW-Authenticate", "Bearer realm=\"tally\"");
    }
    return new QueryResponse(err.status(), err.toJson(), headers);
  }

  private static String bearer(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw AuthException.missing("Authorization: Bearer <read key>");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new AuthException.Malformed("Authorization must be 'Bearer <read key>'");
    }
    return authorization.substring(7).trim();
  }

  private static ObjectNode storeInfo(Store store) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", store.id());
    n.put("timezone", store.timezone().getId());
    n.put("currency", store.currency().getCurrencyCode());
    return n;
  }

  /** Per-day metrics of one person; a user id's linked anonymous history is merged in. */
  ObjectNode userMetrics(Store store, String uid, DateRange range) {
    if (uid.isBlank() || uid.length() > EventHeader.MAX_ID_LENGTH) {
      throw new dev.tally.core.error.ValidationException(
          "invalid_uid", "uid must be 1-100 characters");
    }
    List<String> linked = reader.linkedAnonymousIds(store.id(), uid, MAX_LINKED_IDS);
    Map<LocalDate, Map<String, Long>> merged =
        new HashMap<>(reader.userDays(store.id(), uid, range));
    for (String anon : linked) {
      reader
          .userDays(store.id(), anon, range)
          .forEach((day, attrs) -> mergeDay(merged, day, attrs));
    }
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("uid", uid);
    out.put("from", range.from().toString());
    out.put("to", range.to().toString());
    out.put("currency", store.currency().getCurrencyCode());
    ArrayNode ids = out.putArray("linkedIds");
    linked.forEach(ids::add);
    ArrayNode days = out.putArray("days");
    Map<String, Long> totals = new HashMap<>();
    Long first = null;
    Long last = null;
    for (LocalDate day : range.each()) {
      Map<String, Long> attrs = merged.getOrDefault(day, Map.of());
      ObjectNode d = days.addObject();
      d.put("day", day.toString());
      writeCounters(d, attrs, store);
      for (Counter c : Counter.values()) {
        totals.merge(c.attribute(), attrs.getOrDefault(c.attribute(), 0L), Sums::add);
      }
      Long f = attrs.get("firstSeen");
      Long l = attrs.get("lastSeen");
      first = f != null && (first == null || f < first) ? f : first;
      last = l != null && (last == null || l > last) ? l : last;
    }
    ObjectNode t = out.putObject("totals");
    writeCounters(t, totals, store);
    t.put(
        "activeDays",
        merged.keySet().stream().filter(d -> merged.get(d).getOrDefault("events", 0L) > 0).count());
    if (first != null) {
      t.put("firstSeen", Instant.ofEpochMilli(first).toString());
      t.put("lastSeen", Instant.ofEpochMilli(last).toString());
    }
    return out;
  }

  private static void mergeDay(
      Map<LocalDate, Map<String, Long>> merged, LocalDate day, Map<String, Long> attrs) {
    Map<String, Long> target = new HashMap<>(merged.getOrDefault(day, Map.of()));
    attrs.forEach(
        (k, v) -> {
          switch (k) {
            case "firstSeen" -> target.merge(k, v, Math::min);
            case "lastSeen" -> target.merge(k, v, Math::max);
            case "steps" -> target.merge(k, v, (a, b) -> a | b);
            default -> target.merge(k, v, Sums::add);
          }
        });
    merged.put(day, target);
  }

  /** Writes every counter (zeros included); money as decimal strings in the store's currency. */
  static void writeCounters(ObjectNode n, Map<String, Long> attrs, Store store) {
    for (Counter c : Counter.values()) {
      long v = attrs.getOrDefault(c.attribute(), 0L);
      if (c.isMoney()) {
        n.put(c.attribute(), Money.format(v, store.currency()));
      } else {
        n.put(c.attribute(), v);
      }
    }
    long net = attrs.getOrDefault("revenue", 0L) - attrs.getOrDefault("refunds", 0L);
    n.put("netRevenue", Money.format(net, store.currency()));
  }
}
