package dev.tally.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.bench.internal.CountingItemStore;
import dev.tally.core.agg.Aggregation;
import dev.tally.core.agg.Deltas;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Keys;
import dev.tally.core.agg.ResolvedEvent;
import dev.tally.core.agg.Weeks;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.ParseOptions;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.query.MetricsReader;
import dev.tally.query.QueryConfig;
import dev.tally.query.QueryService;
import dev.tally.query.http.QueryRoutes;
import dev.tally.sqlite.SqliteDatabase;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally bench query}: latency and item-store calls per query of the funnel, a 90-day user
 * range, the summary, a time series and top products, over HTTP, at two raw event volumes, on the
 * embedded engine (SQLite in a temporary directory). The metrics state of each volume is computed
 * from a generated workload by the pure core ({@link Aggregation}, the same function the aggregator
 * runs) and loaded through the port's {@link ItemStore#putAll}, because pushing 1M events through
 * ingest and the exactly-once writer takes far longer on 2 cores; the items have the aggregator's
 * layout ({@link MetricKeys}).
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Query latency (p50/p99) and item-store calls per query, at several raw event volumes.",
      "Loads the embedded engine (SQLite in a temporary directory) and starts the query API on a"
          + " loopback port; nothing is kept."
    })
public final class QueryBenchCommand implements Callable<Integer> {
  @Option(
      names = "--events",
      split = ",",
      description = "Raw event volumes to load, one store each (default: ${DEFAULT-VALUE}).")
  List<Integer> volumes = List.of(10_000, 1_000_000);

  @Option(
      names = "--days",
      description = "Days of history; the queries cover the last 90 (default: ${DEFAULT-VALUE}).")
  int days = 90;

  @Option(
      names = "--events-per-user",
      description = "Events per visitor: users = events / this (default: ${DEFAULT-VALUE}).")
  int eventsPerUser = 20;

  @Option(
      names = "--iterations",
      description = "Measured calls per query (default: ${DEFAULT-VALUE}).")
  int iterations = 500;

  @Option(
      names = "--warmup",
      description = "Unmeasured calls per query first (default: ${DEFAULT-VALUE}).")
  int warmup = 100;

  private static final int SHARDS = 4;
  private static final LocalDate LAST_DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tally-bench-query-");
    SqliteDatabase db = SqliteDatabase.open(dir.resolve("tally.db"));
    Javalin http = null;
    try {
      ItemStore metrics = db.table("metrics");
      CountingItemStore counting = CountingItemStore.wrap(metrics);
      ItemStoreRegistry stores = new ItemStoreRegistry(CountingItemStore.wrap(db.table("stores")));
      // Rate limits are set out of the way: this measures the queries, not the limiter.
      QueryService service =
          new QueryService(
              stores, new MetricsReader(counting), new QueryConfig(SHARDS, 1_000_000, 1_000_000));
      http = QueryRoutes.loopback(service);
      URI base = URI.create("http://127.0.0.1:" + http.port());
      System.out.printf(
          "Query bench: embedded engine (SQLite in %s), query API at %s, %d shards, %d warm-up + %d measured calls per query%n",
          dir, base, SHARDS, warmup, iterations);
      List<String> rows = new ArrayList<>();
      for (int volume : volumes) {
        String storeId = "bench" + volume;
        String readKey = "rk_bench_" + volume;
        Store store = Store.of(storeId, "UTC", "USD", List.of());
        stores.create(store, "wk_bench_" + volume, readKey);
        Loaded loaded = load(metrics, store, volume);
        String range = "from=" + LAST_DAY.minusDays(89) + "&to=" + LAST_DAY;
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("funnel, 90 days", "/api/v1/funnel?" + range);
        queries.put(
            "user metrics, 90 days", "/api/v1/users/" + loaded.busiestUser + "/metrics?" + range);
        queries.put("summary, 90 days", "/api/v1/summary?" + range);
        queries.put(
            "timeseries revenue by day, 90 days",
            "/api/v1/timeseries?metric=revenue&interval=day&" + range);
        queries.put("top products, 90 days", "/api/v1/products/top?by=revenue&" + range);
        for (var q : queries.entrySet()) {
          Result r = measure(base, readKey, q.getValue(), counting);
          rows.add(
              String.format(
                  "| %,d | %s | %.1f | %.1f | %s | %s |",
                  volume, q.getKey(), r.p50Ms, r.p99Ms, fmt(r.requestsPerCall), r.byOperation));
        }
        System.out.printf(
            "  loaded %,d events (%,d users, %,d items written in %.1f s); busiest user %s (%d linked ids)%n",
            volume, loaded.users, loaded.items, loaded.seconds, loaded.busiestUser, loaded.linked);
      }
      System.out.println();
      System.out.println(
          "| raw events | query | p50 ms | p99 ms | item-store calls per query | by operation |");
      System.out.println("|---:|---|---:|---:|---:|---|");
      rows.forEach(System.out::println);
      return 0;
    } finally {
      if (http != null) {
        http.stop();
      }
      db.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory
      }
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format("%.2f", d);
  }

  private record Result(
      double p50Ms, double p99Ms, double requestsPerCall, Map<String, Long> byOperation) {}

  private Result measure(URI base, String readKey, String pathAndQuery, CountingItemStore counting)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .header("Authorization", "Bearer " + readKey)
            .GET()
            .build();
    for (int i = 0; i < warmup; i++) {
      check(client.send(req, HttpResponse.BodyHandlers.ofString()), pathAndQuery);
    }
    counting.reset();
    long[] nanos = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      check(client.send(req, HttpResponse.BodyHandlers.ofString()), pathAndQuery);
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    Map<String, Long> perCall = new LinkedHashMap<>();
    counting.byOperation().forEach((op, n) -> perCall.put(op, n / iterations));
    return new Result(
        nanos[(int) Math.ceil(0.50 * iterations) - 1] / 1e6,
        nanos[(int) Math.ceil(0.99 * iterations) - 1] / 1e6,
        (double) counting.total() / iterations,
        perCall);
  }

  private static void check(HttpResponse<String> r, String what) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException(what + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private record Loaded(int users, long items, double seconds, String busiestUser, int linked) {}

  /** Aggregates a generated workload with the core and writes the resulting items directly. */
  private Loaded load(ItemStore metrics, Store store, int volume) {
    long t0 = System.nanoTime();
    int users = Math.max(50, volume / eventsPerUser);
    List<ObjectNode> raw = new Workload(volume, users, 200, days, volume, LAST_DAY).generate();
    EventParser parser = new EventParser(ParseOptions.live().historical());
    EventParser.BatchContext batch = EventParser.BatchContext.at(Instant.now());
    List<Event> events = new ArrayList<>(raw.size());
    for (ObjectNode n : raw) {
      events.add(parser.parse(n, null, batch, store.currency()));
    }
    raw = null; // let the JSON go before aggregating
    Map<String, String> links = new HashMap<>();
    for (Event e : events) {
      if (e.header().anonymousId() != null && e.header().userId() != null) {
        links.putIfAbsent(e.header().anonymousId(), e.header().userId());
      }
    }
    List<ResolvedEvent> resolved = new ArrayList<>(events.size());
    Map<String, Integer> perUser = new HashMap<>();
    for (Event e : events) {
      if (!e.isActivity()) {
        continue;
      }
      // As the writer does: an event counts under its own ids; links are merged when read.
      ResolvedEvent r = ResolvedEvent.unlinked(e);
      resolved.add(r);
      perUser.merge(r.uid(), 1, Integer::sum);
    }
    Deltas d = new Aggregation(store, SHARDS).aggregate(resolved);
    Map<ItemKey, Map<String, AttrValue>> items = items(store.id(), d, links);
    List<Item> all = new ArrayList<>(items.size());
    items.forEach((k, attrs) -> all.add(Item.of(k, attrs)));
    metrics.putAll(all);
    String busiest =
        perUser.entrySet().stream()
            .filter(e -> e.getKey().startsWith("user-"))
            .max(Map.Entry.comparingByValue())
            .orElseThrow()
            .getKey();
    int linked = (int) links.values().stream().filter(busiest::equals).count();
    return new Loaded(users, items.size(), (System.nanoTime() - t0) / 1e9, busiest, linked);
  }

  /** The items the aggregator would hold for these deltas (without its exactly-once marks). */
  private static Map<ItemKey, Map<String, AttrValue>> items(
      String s, Deltas d, Map<String, String> links) {
    Map<ItemKey, Map<String, AttrValue>> out = new HashMap<>();
    d.users()
        .forEach(
            (k, a) -> {
              Map<String, AttrValue> item =
                  item(out, MetricKeys.userPk(s, k.id()), MetricKeys.daySk(k.day()));
              a.counts().nonZero().forEach((c, v) -> add(item, c.attribute(), v));
              item.put(MetricKeys.FIRST_SEEN, AttrValue.num(a.firstSeen().toEpochMilli()));
              item.put(MetricKeys.LAST_SEEN, AttrValue.num(a.lastSeen().toEpochMilli()));
            });
    d.devices()
        .forEach(
            (k, steps) -> {
              String sk = MetricKeys.daySk(k.day());
              item(out, MetricKeys.userPk(s, k.id()), sk)
                  .put(MetricKeys.STEPS, AttrValue.num(FunnelStep.toBits(steps)));
              Map<String, AttrValue> shard =
                  item(out, MetricKeys.storeShardPk(s, Keys.shardOf(k.id(), SHARDS)), sk);
              steps.forEach(step -> add(shard, step.attribute(), 1));
            });
    d.store()
        .forEach(
            (k, counts) -> {
              Map<String, AttrValue> item =
                  item(out, MetricKeys.storeShardPk(s, k.shard()), MetricKeys.daySk(k.day()));
              counts.nonZero().forEach((c, v) -> add(item, c.attribute(), v));
            });
    d.products()
        .forEach(
            (k, counts) -> {
              // The day's bucket and its week and month roll-ups, as the writer keeps them.
              for (String pk : MetricKeys.productsPks(s, k.day())) {
                Map<String, AttrValue> item =
                    item(out, pk, MetricKeys.productBucketSk(k.productId()));
                counts
                    .nonZero()
                    .forEach(
                        (c, v) ->
                            add(
                                item,
                                MetricKeys.productAttribute(c.attribute(), k.productId()),
                                v));
              }
            });
    d.reached()
        .forEach(
            (k, ids) ->
                item(out, MetricKeys.sketchPk(s, k.step()), MetricKeys.daySk(k.day()))
                    .put(MetricKeys.HLL, AttrValue.bin(DistinctSketch.add(null, ids))));
    // The weekly roll-ups the aggregator keeps beside the daily sketches.
    Map<Keys.StepDay, java.util.Set<String>> weeks = new HashMap<>();
    d.reached()
        .forEach(
            (k, ids) ->
                weeks
                    .computeIfAbsent(
                        new Keys.StepDay(Weeks.start(k.day()), k.step()),
                        x -> new java.util.HashSet<>())
                    .addAll(ids));
    weeks.forEach(
        (k, ids) ->
            item(out, MetricKeys.sketchWeekPk(s, k.step()), MetricKeys.weekSk(k.day()))
                .put(MetricKeys.HLL, AttrValue.bin(DistinctSketch.add(null, ids))));
    links.forEach(
        (anon, user) -> {
          item(out, MetricKeys.linksPk(s, user), MetricKeys.linkSk(anon));
          item(out, MetricKeys.aliasPk(s, anon), MetricKeys.ALIAS_SK)
              .put(MetricKeys.USER_ID, AttrValue.str(user));
        });
    return out;
  }

  private static Map<String, AttrValue> item(
      Map<ItemKey, Map<String, AttrValue>> out, String pk, String sk) {
    return out.computeIfAbsent(ItemKey.of(pk, sk), k -> new HashMap<>());
  }

  private static void add(Map<String, AttrValue> item, String attr, long v) {
    item.merge(attr, AttrValue.num(v), (a, b) -> AttrValue.num(((AttrValue.Num) a).value() + v));
  }
}
