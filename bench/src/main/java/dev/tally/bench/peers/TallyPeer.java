package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.event.Json;
import dev.tally.core.item.ItemStore;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.query.MetricsReader;
import dev.tally.query.QueryConfig;
import dev.tally.query.QueryRequest;
import dev.tally.query.QueryResponse;
import dev.tally.query.QueryService;
import dev.tally.query.http.QueryRoutes;
import dev.tally.sqlite.SqliteDatabase;
import io.javalin.Javalin;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tally on the embedded engine (SQLite files): the workload goes through the one exactly-once
 * writer ({@link ItemMetricWriter}, what the aggregator runs) in batches of {@link #BATCH} events,
 * and the questions through the query service, in this process ({@link #answer}) or over HTTP on a
 * loopback port ({@link #http()}).
 */
final class TallyPeer implements PeerEngine {
  static final int SHARDS = 4;

  /**
   * Events per writer call: what the embedded aggregator takes per poll (64 log records of up to
   * 500 events). Each call also rewrites the sketches of every step-day it touches; this workload
   * spreads every batch over all 90 days (a backfill), so small batches pay that many times.
   */
  static final int BATCH = 32_000;

  private static final String READ_KEY = "rk_peers";

  private final Path dir;
  private final SqliteDatabase db;
  private final QueryService service;
  private Javalin server;
  private HttpClient client;
  private URI base;

  TallyPeer(Path dir) {
    this.dir = dir;
    this.db = SqliteDatabase.open(dir.resolve("tally.db"));
    ItemStoreRegistry stores = new ItemStoreRegistry(db.table("stores"));
    stores.create(PeerWorkload.STORE, "wk_peers", READ_KEY);
    this.service =
        new QueryService(
            stores,
            new MetricsReader(db.table("metrics")),
            new QueryConfig(SHARDS, 1_000_000, 1_000_000));
  }

  @Override
  public String name() {
    return "Tally (in-process)";
  }

  @Override
  public long load(PeerWorkload workload) {
    ItemStore metrics = db.table("metrics");
    ItemMetricWriter writer = new ItemMetricWriter(metrics, new AggregatorConfig(SHARDS, 5_000, 8));
    long[] nanos = {0};
    workload.forEach(
        chunk -> {
          long t0 = System.nanoTime();
          for (int i = 0; i < chunk.size(); i += BATCH) {
            List<Event> batch = chunk.subList(i, Math.min(chunk.size(), i + BATCH));
            writer.apply(PeerWorkload.STORE, batch);
          }
          nanos[0] += System.nanoTime() - t0;
        });
    return nanos[0];
  }

  @Override
  public long storageBytes() throws Exception {
    long total = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        if (p.getFileName().toString().startsWith("tally.db")) {
          total += Files.size(p);
        }
      }
    }
    return total;
  }

  @Override
  public JsonNode answer(Question q) {
    Request r = request(q);
    QueryResponse resp =
        service.handle(new QueryRequest("GET", r.path(), r.query(), "Bearer " + READ_KEY));
    if (resp.status() != 200) {
      throw new IllegalStateException(
          q.label() + " answered " + resp.status() + ": " + resp.body());
    }
    return canonical(q, resp.body());
  }

  /** The same store and questions over HTTP: the query API's routes on a loopback port. */
  PeerEngine http() {
    if (server == null) {
      server = QueryRoutes.loopback(service);
      client = HttpClient.newHttpClient();
      base = URI.create("http://127.0.0.1:" + server.port());
    }
    TallyPeer self = this;
    return new PeerEngine() {
      @Override
      public String name() {
        return "Tally (HTTP)";
      }

      @Override
      public long load(PeerWorkload workload) {
        return 0;
      }

      @Override
      public long storageBytes() throws Exception {
        return self.storageBytes();
      }

      @Override
      public JsonNode answer(Question q) throws Exception {
        Request r = request(q);
        StringBuilder uri = new StringBuilder(r.path()).append('?');
        r.query()
            .forEach(
                (k, v) ->
                    uri.append(k)
                        .append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                        .append('&'));
        HttpResponse<String> resp =
            client.send(
                HttpRequest.newBuilder(base.resolve(uri.toString()))
                    .header("Authorization", "Bearer " + READ_KEY)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(
              q.label() + " answered " + resp.statusCode() + ": " + resp.body());
        }
        return canonical(q, Json.mapper().readTree(resp.body()));
      }

      @Override
      public void close() {}
    };
  }

  private record Request(String path, Map<String, String> query) {}

  private static Request request(Question q) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("from", q.from().toString());
    query.put("to", q.to().toString());
    String path =
        switch (q.kind()) {
          case FUNNEL -> "/api/v1/funnel";
          case USER_HISTORY ->
              "/api/v1/users/" + URLEncoder.encode(q.userId(), StandardCharsets.UTF_8) + "/metrics";
          case REVENUE_BY_DAY -> {
            query.put("metric", "revenue");
            query.put("interval", "day");
            yield "/api/v1/timeseries";
          }
          case TOP_PRODUCTS -> {
            query.put("by", "revenue");
            query.put("limit", "10");
            yield "/api/v1/products/top";
          }
          case SUMMARY -> "/api/v1/summary";
        };
    return new Request(path, query);
  }

  /** Tally's API answer in {@link Answers}' canonical shape. */
  static JsonNode canonical(Question q, JsonNode body) {
    ObjectNode out = Answers.object();
    switch (q.kind()) {
      case FUNNEL -> {
        ArrayNode steps = out.putArray("steps");
        for (JsonNode s : body.path("steps")) {
          steps
              .addObject()
              .put("step", s.path("step").asText())
              .put("userDays", s.path("userDays").asLong())
              .put("users", s.path("users").asLong());
        }
      }
      case USER_HISTORY -> {
        ObjectNode days = out.putObject("days");
        for (JsonNode d : body.path("days")) {
          if (d.path("events").asLong() > 0) {
            days.putObject(d.path("day").asText())
                .put("events", d.path("events").asLong())
                .put("revenue", minor(d.path("revenue")));
          }
        }
      }
      case REVENUE_BY_DAY -> {
        ObjectNode days = out.putObject("days");
        for (JsonNode p : body.path("points")) {
          long v = minor(p.path("value"));
          if (v != 0) {
            days.put(p.path("start").asText(), v);
          }
        }
      }
      case TOP_PRODUCTS -> {
        ArrayNode products = out.putArray("products");
        for (JsonNode p : body.path("products")) {
          if (minor(p.path("revenue")) == 0) {
            continue; // a product only viewed: the peers' order lines never list it
          }
          products
              .addObject()
              .put("productId", p.path("productId").asText())
              .put("revenue", minor(p.path("revenue")))
              .put("units", p.path("units").asLong());
        }
      }
      case SUMMARY -> {
        JsonNode t = body.path("tiles");
        long visitors = t.at("/visitors/value").asLong();
        long prevVisitors = t.at("/visitors/previous").asLong();
        long[] cur = {
          minor(t.at("/revenue/value")),
          t.at("/orders/value").asLong(),
          visitors,
          Math.round(t.at("/conversion/value").asDouble() * visitors)
        };
        long[] prev = {
          minor(t.at("/revenue/previous")),
          t.at("/orders/previous").asLong(),
          prevVisitors,
          Math.round(t.at("/conversion/previous").asDouble() * prevVisitors)
        };
        return SqlPeer.summaryNode(cur, prev);
      }
    }
    return out;
  }

  private static long minor(JsonNode money) {
    return new BigDecimal(money.asText("0")).movePointRight(2).longValueExact();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
    db.close();
  }
}
