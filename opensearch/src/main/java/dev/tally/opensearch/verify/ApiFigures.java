package dev.tally.opensearch.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.agg.Counter;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.ProductCounter;
import dev.tally.core.error.RetryableException;
import dev.tally.core.error.TallyException;
import dev.tally.core.event.Json;
import dev.tally.core.money.Money;
import dev.tally.core.store.Store;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tally's figures from a running query API ({@code --api URL --read-key KEY}): the day series of
 * every counter, the funnel of each day (exact distinct devices per step) and of the whole range
 * (sketches), and the top products by each ranking (the API returns at most 100 per ranking, so
 * products are compared by their ranks, not all of them). About 20 + days requests.
 */
public final class ApiFigures implements TallyFigures {
  private static final int API_MAX_PRODUCTS = 100;
  private final URI api;
  private final String readKey;
  private final String adminToken;
  private final HttpClient http;

  /**
   * @param adminToken when not null, the kept-aggregates ledger ({@code GET /admin/v1/ledger}) is
   *     taken out of the figures, as the embedded verify does: deleted people's events stay counted
   *     in Tally's aggregates but are gone from the copy
   */
  public ApiFigures(URI api, String readKey, String adminToken, HttpClient http) {
    this.api = api;
    this.readKey = readKey;
    this.adminToken = adminToken;
    this.http = http;
  }

  public static ApiFigures create(URI api, String readKey, String adminToken) {
    return new ApiFigures(
        api,
        readKey,
        adminToken,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  @Override
  public Store store(String storeId) {
    JsonNode s = get("/api/v1/store", Map.of("store", storeId));
    return Store.of(
        s.path("id").asText(), s.path("timezone").asText(), s.path("currency").asText(), List.of());
  }

  @Override
  public Figures read(Store store, LocalDate from, LocalDate to, int topProducts) {
    Map<String, String> range = Map.of("from", from.toString(), "to", to.toString());
    Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      days.put(d, new HashMap<>());
    }
    for (Counter c : Counter.values()) {
      Map<String, String> q = new HashMap<>(range);
      q.put("metric", c.attribute());
      q.put("interval", "day");
      for (JsonNode p : get("/api/v1/timeseries", q).path("points")) {
        LocalDate day = LocalDate.parse(p.path("start").asText());
        long v =
            c.isMoney()
                ? Money.toMinor(new BigDecimal(p.path("value").asText()), store.currency())
                : p.path("value").asLong();
        days.get(day).put(c.attribute(), v);
      }
    }
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      JsonNode f = get("/api/v1/funnel", Map.of("from", d.toString(), "to", d.toString()));
      for (JsonNode s : f.path("steps")) {
        days.get(d).put(s.path("step").asText(), s.path("userDays").asLong());
      }
    }
    JsonNode ledger =
        adminToken == null
            ? null
            : get(
                "/admin/v1/ledger",
                Map.of("store", store.id(), "from", from.toString(), "to", to.toString()),
                adminToken);
    if (ledger != null) {
      ledger
          .path("days")
          .fields()
          .forEachRemaining(
              d -> {
                Map<String, Long> day = days.get(LocalDate.parse(d.getKey()));
                if (day != null) {
                  subtract(day, d.getValue());
                }
              });
    }
    days.values().removeIf(m -> m.values().stream().allMatch(v -> v == 0));
    Map<String, Long> distinct = new HashMap<>();
    for (JsonNode s : get("/api/v1/funnel", range).path("steps")) {
      distinct.put(s.path("step").asText(), s.path("users").asLong());
    }
    for (FunnelStep s : FunnelStep.values()) {
      distinct.putIfAbsent(s.attribute(), 0L);
    }
    Map<String, Map<String, Long>> products = new HashMap<>();
    for (String by : List.of("views", "adds", "units", "revenue")) {
      Map<String, String> q = new HashMap<>(range);
      q.put("by", by);
      q.put("limit", Integer.toString(API_MAX_PRODUCTS));
      for (JsonNode p : get("/api/v1/products/top", q).path("products")) {
        Map<String, Long> counters = new HashMap<>();
        for (ProductCounter c : ProductCounter.values()) {
          JsonNode v = p.path(c.attribute());
          counters.put(
              c.attribute(),
              c == ProductCounter.REVENUE
                  ? Money.toMinor(new BigDecimal(v.asText("0")), store.currency())
                  : v.asLong());
        }
        products.put(p.path("productId").asText(), counters);
      }
    }
    if (ledger != null) {
      ledger
          .path("products")
          .fields()
          .forEachRemaining(
              p -> {
                Map<String, Long> counters = products.get(p.getKey());
                if (counters != null) {
                  subtract(counters, p.getValue());
                }
              });
    }
    return new Figures(days, distinct, products);
  }

  /** Takes the ledger's counters out of those the API gave (only those it gave). */
  private static void subtract(Map<String, Long> counters, JsonNode kept) {
    kept.fields()
        .forEachRemaining(
            k -> counters.computeIfPresent(k.getKey(), (a, v) -> v - k.getValue().asLong()));
  }

  private JsonNode get(String path, Map<String, String> query) {
    return get(path, query, readKey);
  }

  private JsonNode get(String path, Map<String, String> query, String token) {
    StringBuilder url = new StringBuilder(api.toString().replaceAll("/+$", "")).append(path);
    char sep = '?';
    for (var e : new TreeMap<>(query).entrySet()) {
      url.append(sep)
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url.toString()))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(60))
            .GET()
            .build();
    try {
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = Json.mapper().readTree(r.body());
      if (r.statusCode() == 429 || r.statusCode() >= 500) {
        throw new RetryableException(
            "tally_api_busy",
            "GET " + path + " answered " + r.statusCode() + ": " + body,
            Duration.ofSeconds(1));
      }
      if (r.statusCode() != 200) {
        throw new TallyException(
            "tally_api_error", "GET " + path + " answered " + r.statusCode() + ": " + body);
      }
      return body;
    } catch (IOException e) {
      throw new RetryableException(
          "tally_api_unavailable",
          "Tally's API at " + api + " did not answer: " + e,
          Duration.ofSeconds(1),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TallyException("interrupted", "interrupted");
    }
  }

  @Override
  public String describe() {
    return "Tally's query API at " + api;
  }
}
