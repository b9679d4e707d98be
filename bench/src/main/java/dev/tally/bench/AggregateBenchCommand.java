package dev.tally.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.MetricWriter;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.bench.internal.CountingItemStore;
import dev.tally.core.agg.Aggregation;
import dev.tally.core.agg.Deltas;
import dev.tally.core.agg.FunnelState;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Keys;
import dev.tally.core.agg.ResolvedEvent;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.ParseOptions;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.Tables;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.testkit.DynaliteFixture;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code tally bench aggregate}: write requests, write units and events/s of Tally's aggregator
 * ({@link ItemMetricWriter}) against a naive per-event writer with the same exactly-once guarantee,
 * on the standard workload, over the {@link ItemStore} port: on the DynamoDB engine (an endpoint,
 * by default the dynalite emulator started for the run) or on the embedded SQLite engine. Write
 * units are computed from the written items' sizes by DynamoDB's rules, so the ratio between the
 * writers does not depend on the engine.
 */
@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
      "Write cost of the aggregator: DynamoDB write requests and write units per 1,000 events, and"
          + " events/s, for Tally's coalescing writer at several batch sizes and for a naive"
          + " per-event writer with the same exactly-once guarantee. Write units are computed from"
          + " item sizes by DynamoDB's rules, on either engine. Runs on the DynamoDB engine (the"
          + " dynalite emulator started for the run, or --endpoint) or on the embedded SQLite"
          + " engine (--engine sqlite), fresh tables per writer; results go in BENCHMARKS.md."
    })
public final class AggregateBenchCommand implements Callable<Integer> {
  @Option(
      names = "--events",
      description = "Events in the workload (default ${DEFAULT-VALUE}: the standard workload).")
  int events = 100_000;

  @Option(
      names = "--batches",
      split = ",",
      description = "Aggregation batch sizes (default ${DEFAULT-VALUE}).")
  List<Integer> batches = List.of(10, 100, 1_000);

  @Option(names = "--shards", description = "Store-day write shards (default ${DEFAULT-VALUE}).")
  int shards = 4;

  @Option(names = "--skip-naive", description = "Skip the naive baseline (it is the slow part).")
  boolean skipNaive;

  @Option(
      names = "--engine",
      description =
          "dynamodb or sqlite (default ${DEFAULT-VALUE}). The writers and the write-unit figures"
              + " are the same on both; throughput is the engine's.")
  String engine = "dynamodb";

  @Option(
      names = "--endpoint",
      description =
          "DynamoDB endpoint URL (e.g. http://127.0.0.1:8000). Default: start the dynalite"
              + " emulator from testkit/target/node (build the testkit module once), found via"
              + " -Dtally.dynalite.dir or from the working directory.")
  URI endpoint;

  private static final LocalDate LAST_DAY = LocalDate.of(2025, 3, 31);
  private static final Store STORE = Store.of("bench", "UTC", "USD", List.of());

  /** Items per atomic write for Tally's writer: DynamoDB's limit, on every engine. */
  private static final int ITEMS_PER_WRITE = 100;

  /** What one run wrote, counted at the port. */
  record Run(String name, int events, long requests, long itemWrites, long units, double seconds) {
    double per1k(double v) {
      return v * 1_000.0 / events;
    }
  }

  @Override
  public Integer call() throws Exception {
    List<Event> all = workload();
    System.out.printf(
        "Workload: standard (seed 42, 1,000 users, 200 products, 30 days ending %s), %,d events parsed%n",
        LAST_DAY, all.size());
    List<Run> runs = new ArrayList<>();
    Map<String, Map<String, Long>> tallyTotals = null;
    boolean same = true;
    try (Engine tables = openEngine()) {
      System.out.println("Engine: " + tables.description());
      for (int batch : batches) {
        ItemStore table = tables.fresh("tally" + batch);
        CountingItemStore counted = CountingItemStore.accountWrites(table);
        MetricWriter w =
            new ItemMetricWriter(counted, new AggregatorConfig(shards, ITEMS_PER_WRITE, 8));
        runs.add(run("Tally, batch " + batch, all, batch, counted, evs -> w.apply(STORE, evs)));
        tallyTotals = storeTotals(table);
      }
      if (!skipNaive) {
        ItemStore table = tables.fresh("naive");
        CountingItemStore counted = CountingItemStore.accountWrites(table);
        NaiveWriter naive = new NaiveWriter(counted, shards);
        runs.add(run("Naive, per event", all, 1, counted, evs -> evs.forEach(naive::apply)));
        Map<String, Map<String, Long>> naiveTotals = storeTotals(table);
        same = naiveTotals.equals(tallyTotals);
        System.out.println(
            "Store-day totals of Tally and naive are "
                + (same ? "identical" : "DIFFERENT (bug!)")
                + " ("
                + naiveTotals.size()
                + " days)");
      }
    }
    print(runs);
    return same ? 0 : 1;
  }

  private List<Event> workload() {
    Workload standard = Workload.standard(LAST_DAY);
    Workload w =
        new Workload(
            standard.seed(),
            standard.users(),
            standard.products(),
            standard.days(),
            events,
            LAST_DAY);
    List<ObjectNode> json = w.generate();
    Instant last =
        json.stream()
            .map(n -> Instant.parse(n.get("timestamp").asText()))
            .max(Comparator.naturalOrder())
            .orElseThrow();
    EventParser parser = new EventParser(ParseOptions.live().historical());
    EventParser.BatchContext ctx = EventParser.BatchContext.at(last.plusSeconds(1));
    List<Event> out = new ArrayList<>();
    for (ObjectNode n : json) {
      out.add(parser.parse(n, null, ctx, STORE.currency()));
    }
    // The log delivers events roughly in the order they happen, across all visitors.
    out.sort(Comparator.comparing((Event e) -> e.header().timestamp()));
    return out;
  }

  private Run run(
      String name,
      List<Event> all,
      int batch,
      CountingItemStore counted,
      Consumer<List<Event>> apply) {
    long start = System.nanoTime();
    try (ProgressBar pb =
        new ProgressBarBuilder()
            .setTaskName(String.format("%-17s", name))
            .setInitialMax(all.size())
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" ev", 1)
            .showSpeed()
            .build()) {
      for (int i = 0; i < all.size(); i += batch) {
        List<Event> b = all.subList(i, Math.min(all.size(), i + batch));
        apply.accept(b);
        pb.stepBy(b.size());
      }
    }
    double s = (System.nanoTime() - start - counted.accountingNanos()) / 1e9;
    return new Run(
        name, all.size(), counted.writeRequests(), counted.itemWrites(), counted.writeUnits(), s);
  }

  private static void print(List<Run> runs) {
    Run naive = runs.stream().filter(r -> r.name().startsWith("Naive")).findFirst().orElse(null);
    System.out.println();
    System.out.println(
        "WCU: computed from the written items' sizes by DynamoDB's rules (1 per started KB, 2 in a");
    System.out.println(
        "     transaction); events/s leaves out the read-backs that size the items.");
    System.out.printf(
        "%-18s %14s %14s %12s %10s %13s %11s%n",
        "writer",
        "requests/1k ev",
        "item writes/1k",
        "WCU/1k ev",
        "events/s",
        "WCU vs naive",
        "speed-up");
    for (Run r : runs) {
      double eps = r.events() / r.seconds();
      System.out.printf(
          "%-18s %14.1f %14.1f %12.1f %10.0f %13s %11s%n",
          r.name(),
          r.per1k(r.requests()),
          r.per1k(r.itemWrites()),
          r.per1k(r.units()),
          eps,
          naive == null ? "-" : String.format("%.3f", (double) r.units() / naive.units()),
          naive == null ? "-" : String.format("%.1fx", eps / (naive.events() / naive.seconds())));
    }
  }

  /** Store-day totals over all shards, for checking that both writers stored the same metrics. */
  private Map<String, Map<String, Long>> storeTotals(ItemStore table) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (int k = 0; k < shards; k++) {
      for (Item item : table.query(ItemQuery.partition(MetricKeys.storeShardPk(STORE.id(), k)))) {
        Map<String, Long> day = out.computeIfAbsent(item.key().sk(), x -> new TreeMap<>());
        item.numbers().forEach((a, v) -> day.merge(a, v, Long::sum));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- engines

  /** Fresh tables for each writer on one engine. */
  interface Engine extends AutoCloseable {
    ItemStore fresh(String name);

    String description();

    @Override
    void close();
  }

  private Engine openEngine() throws IOException {
    switch (engine) {
      case "sqlite":
        return new SqliteTables(Files.createTempDirectory("tally-bench-aggregate-"));
      case "dynamodb":
        if (endpoint != null) {
          return new DynamoDbTables(AwsEndpoints.local(endpoint).dynamoDb(), null, endpoint);
        }
        // The same dynalite (+ transaction proxy) the tests use, from the testkit's node folder.
        DynaliteFixture dynalite;
        try {
          dynalite = DynaliteFixture.start(null);
        } catch (IllegalStateException e) {
          throw new IllegalStateException(
              "no --endpoint, and " + e.getMessage() + " (or pass -Dtally.dynalite.dir)", e);
        }
        try {
          return new DynamoDbTables(
              AwsEndpoints.local(dynalite.endpoint()).dynamoDb(), dynalite, dynalite.endpoint());
        } catch (RuntimeException e) {
          dynalite.close();
          throw e;
        }
      default:
        throw new IllegalArgumentException("--engine must be dynamodb or sqlite, not " + engine);
    }
  }

  /** Tables on a DynamoDB endpoint; the tables made for the run are deleted at the end. */
  private static final class DynamoDbTables implements Engine {
    private final DynamoDbClient ddb;
    private final DynaliteFixture dynalite;
    private final URI endpoint;
    private final String prefix = "tally-bench-" + System.currentTimeMillis() + "-";
    private final List<String> created = new ArrayList<>();

    DynamoDbTables(DynamoDbClient ddb, DynaliteFixture dynalite, URI endpoint) {
      this.ddb = ddb;
      this.dynalite = dynalite;
      this.endpoint = endpoint;
    }

    @Override
    public ItemStore fresh(String name) {
      String table = prefix + name;
      Tables.createIfMissing(ddb, table);
      created.add(table);
      return DynamoDbItemStore.create(ddb, table, Clock.systemUTC());
    }

    @Override
    public String description() {
      return "DynamoDB at "
          + endpoint
          + (dynalite == null ? "" : " (dynalite + transaction proxy, node, in memory)");
    }

    @Override
    public void close() {
      try {
        if (dynalite == null) {
          for (String t : created) {
            ddb.deleteTable(b -> b.tableName(t));
          }
        }
      } finally {
        ddb.close();
        if (dynalite != null) {
          dynalite.close();
        }
      }
    }
  }

  /** Tables of one SQLite file in a temporary directory, removed at the end. */
  private static final class SqliteTables implements Engine {
    private final Path dir;
    private final SqliteDatabase db;

    SqliteTables(Path dir) {
      this.dir = dir;
      this.db = SqliteDatabase.open(dir.resolve("bench.db"));
    }

    @Override
    public ItemStore fresh(String name) {
      return db.table(name);
    }

    @Override
    public String description() {
      return "embedded SQLite (WAL, fsync on commit) in " + dir;
    }

    @Override
    public void close() {
      db.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory
      }
    }
  }

  // ---------------------------------------------------------------- the naive baseline

  /**
   * The naive baseline: every event is its own atomic write (a transaction on DynamoDB) holding a
   * conditional put of an idempotency record ({@code {store}#MSG#<messageId>}) and one update per
   * item the event touches (user-day, device-day steps, store-day shard, product buckets). Distinct
   * funnel counts use the same read-then-guarded-write of the device-day steps as Tally. Links are
   * looked up (a read) and written once. HLL range sketches are left out, which only flatters the
   * baseline.
   */
  static final class NaiveWriter {
    private final ItemStore items;
    private final int shards;
    private final Aggregation aggregation;

    NaiveWriter(ItemStore items, int shards) {
      this.items = items;
      this.shards = shards;
      this.aggregation = new Aggregation(STORE, shards);
    }

    void apply(Event e) {
      EventHeader h = e.header();
      if (h.anonymousId() != null && h.userId() != null) {
        link(h.anonymousId(), h.userId());
      }
      if (e instanceof AliasEvent a && !a.previousId().equals(h.userId())) {
        link(a.previousId(), h.userId());
      }
      if (!e.isActivity()) {
        return;
      }
      // The naive baseline counts like the writer: under the event's own ids.
      ResolvedEvent r = ResolvedEvent.unlinked(e);
      String uid = r.uid();
      Deltas d = aggregation.aggregate(List.of(r));
      for (int attempt = 0; attempt < 8; attempt++) {
        try {
          items.write(writes(e, uid, d));
          return;
        } catch (ConditionFailedException ex) {
          if (ex.failed().contains(0)) {
            return; // the idempotency record exists: counted before
          }
        }
      }
      throw new IllegalStateException("naive writer kept conflicting");
    }

    private List<ItemWrite> writes(Event e, String uid, Deltas d) {
      String s = STORE.id();
      List<ItemWrite> out = new ArrayList<>();
      out.add(
          ItemWrite.put(
              Item.of(
                  ItemKey.of(s + "#MSG#" + e.messageId(), "MSG"),
                  Map.of(
                      ItemStore.EXPIRES_AT,
                      AttrValue.num(Instant.now().getEpochSecond() + 2 * 86_400))),
              Condition.ABSENT));
      Map<String, Long> store = new LinkedHashMap<>();
      String sk = null;
      String device = e.header().deviceId();
      for (var u : d.users().entrySet()) {
        sk = MetricKeys.daySk(u.getKey().day());
        ItemKey userKey = ItemKey.of(MetricKeys.userPk(s, uid), sk);
        ItemKey deviceKey = ItemKey.of(MetricKeys.userPk(s, device), sk);
        Map<ItemKey, Item> stored = items.getAll(List.of(userKey, deviceKey));
        ItemWrite.Update.Builder user = ItemWrite.update(userKey);
        u.getValue()
            .counts()
            .nonZero()
            .forEach(
                (c, v) -> {
                  user.add(c.attribute(), v);
                  store.merge(c.attribute(), v, Long::sum);
                });
        long t = u.getValue().firstSeen().toEpochMilli();
        user.set(MetricKeys.LAST_SEEN, AttrValue.num(t));
        Item userItem = stored.get(userKey);
        if (userItem == null || !userItem.has(MetricKeys.FIRST_SEEN)) {
          user.set(MetricKeys.FIRST_SEEN, AttrValue.num(t));
        }
        int reached =
            FunnelStep.toBits(d.devices().get(new Keys.UserDay(device, u.getKey().day())));
        Item deviceItem = stored.get(deviceKey);
        Long steps = deviceItem == null ? null : deviceItem.numOrNull(MetricKeys.STEPS);
        int before = steps == null ? 0 : steps.intValue();
        int fresh = FunnelState.newSteps(before, reached);
        for (FunnelStep step : FunnelStep.fromBits(fresh)) {
          store.merge(step.attribute(), 1L, Long::sum);
        }
        Condition guard =
            fresh == 0
                ? Condition.NONE
                : Condition.versionIs(MetricKeys.STEPS, before == 0 ? null : (long) before);
        if (device.equals(uid)) {
          if (fresh != 0) {
            user.set(MetricKeys.STEPS, AttrValue.num(before | reached)).when(guard);
          }
          out.add(user.build());
        } else {
          out.add(user.build());
          if (fresh != 0) {
            out.add(
                ItemWrite.update(deviceKey)
                    .set(MetricKeys.STEPS, AttrValue.num(before | reached))
                    .when(guard)
                    .build());
          }
        }
      }
      ItemWrite.Update.Builder shard =
          ItemWrite.update(ItemKey.of(MetricKeys.storeShardPk(s, Keys.shardOf(uid, shards)), sk));
      store.forEach(shard::add);
      out.add(shard.build());
      // One update per bucket item: an order's products may share a bucket.
      Map<ItemKey, ItemWrite.Update.Builder> buckets = new LinkedHashMap<>();
      d.products()
          .forEach(
              (k, c) -> {
                // The day's bucket and its week and month roll-ups, as Tally's writer keeps them.
                for (String pk : MetricKeys.productsPks(s, k.day())) {
                  ItemWrite.Update.Builder b =
                      buckets.computeIfAbsent(
                          ItemKey.of(pk, MetricKeys.productBucketSk(k.productId())),
                          ItemWrite::update);
                  c.nonZero()
                      .forEach(
                          (pc, v) ->
                              b.add(MetricKeys.productAttribute(pc.attribute(), k.productId()), v));
                }
              });
      buckets.values().forEach(b -> out.add(b.build()));
      return out;
    }

    private String linked(String anon) {
      return items
          .get(ItemKey.of(MetricKeys.aliasPk(STORE.id(), anon), MetricKeys.ALIAS_SK))
          .map(i -> i.str(MetricKeys.USER_ID))
          .orElse(anon);
    }

    private void link(String anon, String userId) {
      if (!linked(anon).equals(anon)) {
        return;
      }
      items.write(
          List.of(
              ItemWrite.put(
                  Item.of(
                      ItemKey.of(MetricKeys.aliasPk(STORE.id(), anon), MetricKeys.ALIAS_SK),
                      Map.of(MetricKeys.USER_ID, AttrValue.str(userId))),
                  Condition.NONE),
              ItemWrite.put(
                  Item.of(
                      ItemKey.of(MetricKeys.linksPk(STORE.id(), userId), MetricKeys.linkSk(anon)),
                      Map.of()),
                  Condition.NONE)));
    }
  }
}
