package dev.tally.app.cli;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.MetricWriter;
import dev.tally.aggregator.dynamodb.DynamoDbMetricWriter;
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
import dev.tally.core.item.MetricKeys;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.TableNames;
import dev.tally.dynamodb.Tables;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * {@code tally bench aggregate}: DynamoDB write requests, write units and events/s of Tally's
 * aggregator against a naive per-event writer with the same exactly-once guarantee, on the standard
 * workload and DynamoDB Local embedded (fresh tables per run).
 */
@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
      "Write cost of the aggregator: DynamoDB write requests and write units per 1,000 events, and"
          + " events/s, for Tally's coalescing writer at several batch sizes and for a naive"
          + " per-event writer with the same exactly-once guarantee. Runs on DynamoDB Local"
          + " in this process; results go in BENCHMARKS.md."
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

  private static final LocalDate LAST_DAY = LocalDate.of(2025, 3, 31);
  private static final Store STORE = Store.of("bench", "UTC", "USD", List.of());

  /** What one run wrote, counted at the client. */
  record Run(
      String name,
      int events,
      long requests,
      long itemWrites,
      double units,
      double reportedUnits,
      double seconds) {
    double per1k(double v) {
      return v * 1_000.0 / events;
    }
  }

  @Override
  public Integer call() {
    List<Event> all = workload();
    System.out.printf(
        "Workload: standard (seed 42, 1,000 users, 200 products, 30 days ending %s), %,d events parsed%n",
        LAST_DAY, all.size());
    List<Run> runs = new ArrayList<>();
    Map<String, Map<String, Long>> tallyTotals = null;
    AmazonDynamoDBLocal local = DynamoDBEmbedded.create();
    try {
      DynamoDbClient ddb = local.dynamoDbClient();
      for (int batch : batches) {
        TableNames t = freshTables(ddb, "tally" + batch);
        WriteCounter counter = new WriteCounter();
        MetricWriter w =
            new DynamoDbMetricWriter(
                counter.wrap(ddb), t.metrics(), new AggregatorConfig(shards, 100, 8));
        runs.add(
            run("Tally, batch " + batch, all, batch, counter, events -> w.apply(STORE, events)));
        tallyTotals = storeTotals(ddb, t.metrics());
      }
      if (!skipNaive) {
        TableNames t = freshTables(ddb, "naive");
        WriteCounter counter = new WriteCounter();
        NaiveWriter naive = new NaiveWriter(counter.wrap(ddb), t.metrics(), shards);
        runs.add(run("Naive, per event", all, 1, counter, events -> events.forEach(naive::apply)));
        Map<String, Map<String, Long>> naiveTotals = storeTotals(ddb, t.metrics());
        System.out.println(
            "Store-day totals of Tally and naive are "
                + (naiveTotals.equals(tallyTotals) ? "identical" : "DIFFERENT (bug!)")
                + " ("
                + naiveTotals.size()
                + " days)");
      }
    } finally {
      local.shutdownNow();
    }
    print(runs);
    return 0;
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

  private static TableNames freshTables(DynamoDbClient ddb, String prefix) {
    TableNames t = TableNames.defaults().prefixed(prefix + "-" + System.nanoTime() + "-");
    Tables.createIfMissing(ddb, t);
    return t;
  }

  private Run run(
      String name, List<Event> all, int batch, WriteCounter counter, Consumer<List<Event>> apply) {
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
    double s = (System.nanoTime() - start - counter.accountingNanos) / 1e9;
    if (counter.missingCapacity > 0) {
      System.out.printf(
          "  note: %,d write responses carried no consumed capacity%n", counter.missingCapacity);
    }
    return new Run(
        name,
        all.size(),
        counter.requests,
        counter.itemWrites,
        counter.computedUnits,
        counter.units,
        s);
  }

  private static void print(List<Run> runs) {
    Run naive = runs.stream().filter(r -> r.name().startsWith("Naive")).findFirst().orElse(null);
    System.out.println();
    System.out.println(
        "WCU: computed from item sizes by DynamoDB's rules (DynamoDB Local's own report in brackets;");
    System.out.println(
        "     its transaction figures are not reliable). events/s excludes the size read-backs.");
    System.out.printf(
        "%-18s %14s %14s %20s %10s %13s %11s%n",
        "writer",
        "requests/1k ev",
        "item writes/1k",
        "WCU/1k ev [Local]",
        "events/s",
        "WCU vs naive",
        "speed-up");
    for (Run r : runs) {
      double eps = r.events() / r.seconds();
      System.out.printf(
          "%-18s %14.1f %14.1f %20s %10.0f %13s %11s%n",
          r.name(),
          r.per1k(r.requests()),
          r.per1k(r.itemWrites()),
          String.format("%.1f [%.1f]", r.per1k(r.units()), r.per1k(r.reportedUnits())),
          eps,
          naive == null ? "-" : String.format("%.3f", r.units() / naive.units()),
          naive == null ? "-" : String.format("%.1fx", eps / (naive.events() / naive.seconds())));
    }
  }

  /** Store-day totals over all shards, for checking that both writers stored the same metrics. */
  private static Map<String, Map<String, Long>> storeTotals(DynamoDbClient ddb, String table) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (var item : ddb.scanPaginator(b -> b.tableName(table)).items()) {
      if (item.get("pk").s().contains("#STORE#SHARD#")) {
        Map<String, Long> day = out.computeIfAbsent(item.get("sk").s(), k -> new TreeMap<>());
        item.forEach(
            (k, v) -> {
              if (v.n() != null) {
                day.merge(k, Long.parseLong(v.n()), Long::sum);
              }
            });
      }
    }
    return out;
  }

  /**
   * Counts every write the wrapped client makes (requests, items written, consumed write units),
   * asking DynamoDB for ReturnConsumedCapacity TOTAL on each.
   */
  static final class WriteCounter {
    long requests;
    long itemWrites;
    double units;

    DynamoDbClient wrap(DynamoDbClient real) {
      return (DynamoDbClient)
          Proxy.newProxyInstance(
              DynamoDbClient.class.getClassLoader(),
              new Class<?>[] {DynamoDbClient.class},
              (proxy, m, args) -> {
                Object request = args == null ? null : withCapacity(m.getName(), args[0]);
                try {
                  if (request == null) {
                    return m.invoke(real, args);
                  }
                  Object response =
                      DynamoDbClient.class
                          .getMethod(m.getName(), request.getClass())
                          .invoke(real, request);
                  count(real, request, response);
                  return response;
                } catch (InvocationTargetException e) {
                  if (request != null) {
                    requests++;
                  }
                  throw e.getCause();
                }
              });
    }

    /** The write request asking for consumed capacity; null when the call is not a write. */
    @SuppressWarnings("unchecked")
    private static Object withCapacity(String method, Object arg) {
      ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
      switch (method) {
        case "putItem":
          return (arg instanceof Consumer<?> c
                  ? PutItemRequest.builder()
                      .applyMutation((Consumer<PutItemRequest.Builder>) c)
                      .build()
                  : (PutItemRequest) arg)
              .toBuilder().returnConsumedCapacity(total).build();
        case "updateItem":
          return (arg instanceof Consumer<?> c
                  ? UpdateItemRequest.builder()
                      .applyMutation((Consumer<UpdateItemRequest.Builder>) c)
                      .build()
                  : (UpdateItemRequest) arg)
              .toBuilder().returnConsumedCapacity(total).build();
        case "deleteItem":
          return (arg instanceof Consumer<?> c
                  ? DeleteItemRequest.builder()
                      .applyMutation((Consumer<DeleteItemRequest.Builder>) c)
                      .build()
                  : (DeleteItemRequest) arg)
              .toBuilder().returnConsumedCapacity(total).build();
        case "transactWriteItems":
          return (arg instanceof Consumer<?> c
                  ? TransactWriteItemsRequest.builder()
                      .applyMutation((Consumer<TransactWriteItemsRequest.Builder>) c)
                      .build()
                  : (TransactWriteItemsRequest) arg)
              .toBuilder().returnConsumedCapacity(total).build();
        case "batchWriteItem":
          throw new UnsupportedOperationException("the aggregator does not use BatchWriteItem");
        default:
          return null;
      }
    }

    private void count(DynamoDbClient real, Object request, Object response) {
      requests++;
      long start = System.nanoTime();
      if (request instanceof TransactWriteItemsRequest t) {
        for (TransactWriteItem i : t.transactItems()) {
          computedUnits +=
              2
                  * unitsOf(
                      real,
                      i.put() != null ? i.put().tableName() : i.update().tableName(),
                      i.put() != null ? keyOf(i.put().item()) : i.update().key());
        }
      } else if (request instanceof PutItemRequest r) {
        computedUnits += unitsOf(real, r.tableName(), keyOf(r.item()));
      } else if (request instanceof UpdateItemRequest r) {
        computedUnits += unitsOf(real, r.tableName(), r.key());
      }
      accountingNanos += System.nanoTime() - start;
      List<ConsumedCapacity> consumed = new ArrayList<>();
      if (request instanceof TransactWriteItemsRequest t) {
        itemWrites += t.transactItems().size();
        consumed.addAll(((TransactWriteItemsResponse) response).consumedCapacity());
      } else {
        itemWrites++;
        if (response instanceof PutItemResponse r) {
          consumed.add(r.consumedCapacity());
        } else if (response instanceof UpdateItemResponse r) {
          consumed.add(r.consumedCapacity());
        } else if (response instanceof DeleteItemResponse r) {
          consumed.add(r.consumedCapacity());
        }
      }
      for (ConsumedCapacity c : consumed) {
        if (c != null && c.capacityUnits() != null) {
          units += c.capacityUnits();
        } else {
          missingCapacity++;
        }
      }
    }

    /** Responses that reported no consumed capacity. */
    long missingCapacity;

    /**
     * Write units by DynamoDB's rules: 1 per started KB of the item written, 2 in a transaction.
     */
    double computedUnits;

    /** Time spent reading items back to size them, left out of the throughput. */
    long accountingNanos;

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
      return Map.of("pk", item.get("pk"), "sk", item.get("sk"));
    }

    private static int unitsOf(DynamoDbClient real, String table, Map<String, AttributeValue> key) {
      var item = real.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
      long size = 0;
      if (item != null) {
        for (var a : item.entrySet()) {
          size +=
              a.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                  + sizeOf(a.getValue());
        }
      }
      return (int) Math.max(1, (size + 1023) / 1024);
    }

    /** Attribute value sizes as DynamoDB counts them (numbers: about 1 byte per 2 digits + 1). */
    private static long sizeOf(AttributeValue v) {
      if (v.s() != null) {
        return v.s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      }
      if (v.n() != null) {
        return v.n().replace("-", "").length() / 2 + 2;
      }
      if (v.b() != null) {
        return v.b().asByteArrayUnsafe().length;
      }
      if (v.hasBs()) {
        return v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
      }
      return 1;
    }
  }

  /**
   * The naive baseline: every event is its own TransactWriteItems holding a conditional put of an
   * idempotency record ({@code {store}#MSG#<messageId>}) and one update per item the event touches
   * (user-day, device-day steps, store-day shard, product-days). Distinct funnel counts use the
   * same read-then-conditional-write of the device-day steps as Tally. Links are looked up (a read)
   * and written once. HLL range sketches are left out, which only flatters the baseline.
   */
  static final class NaiveWriter {
    private final DynamoDbClient ddb;
    private final String table;
    private final int shards;
    private final Aggregation aggregation;

    NaiveWriter(DynamoDbClient ddb, String table, int shards) {
      this.ddb = ddb;
      this.table = table;
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
      String uid = h.userId() != null ? h.userId() : linked(h.anonymousId());
      Deltas d = aggregation.aggregate(List.of(new ResolvedEvent(e, uid)));
      for (int attempt = 0; attempt < 8; attempt++) {
        try {
          ddb.transactWriteItems(b -> b.transactItems(items(e, uid, d)));
          return;
        } catch (TransactionCanceledException ex) {
          if ("ConditionalCheckFailed".equals(ex.cancellationReasons().get(0).code())) {
            return; // the idempotency record exists: counted before
          }
        }
      }
      throw new IllegalStateException("naive writer kept conflicting");
    }

    private List<TransactWriteItem> items(Event e, String uid, Deltas d) {
      String s = STORE.id();
      List<TransactWriteItem> items = new ArrayList<>();
      items.add(
          TransactWriteItem.builder()
              .put(
                  Put.builder()
                      .tableName(table)
                      .item(
                          Map.of(
                              "pk",
                              str(s + "#MSG#" + e.messageId()),
                              "sk",
                              str("MSG"),
                              "expiresAt",
                              num(Instant.now().getEpochSecond() + 2 * 86_400)))
                      .conditionExpression("attribute_not_exists(pk)")
                      .build())
              .build());
      Map<String, Long> store = new HashMap<>();
      String sk = null;
      for (var u : d.users().entrySet()) {
        sk = MetricKeys.daySk(u.getKey().day());
        Map<String, Long> adds = new HashMap<>();
        u.getValue().counts().nonZero().forEach((c, v) -> adds.put(c.attribute(), v));
        adds.forEach((k, v) -> store.merge(k, v, Long::sum));
        long t = u.getValue().firstSeen().toEpochMilli();
        Map<String, AttributeValue> sets = new HashMap<>(Map.of("lastSeen", num(t)));
        String device = e.header().deviceId();
        String cond = null;
        Map<String, AttributeValue> condValues = new HashMap<>();
        int reached =
            FunnelStep.toBits(d.devices().get(new Keys.UserDay(device, u.getKey().day())));
        var deviceKey = Map.of("pk", str(MetricKeys.userPk(s, device)), "sk", str(sk));
        var stored =
            ddb.getItem(b -> b.tableName(table).key(deviceKey).consistentRead(true)).item();
        int before =
            stored != null && stored.containsKey("steps")
                ? Integer.parseInt(stored.get("steps").n())
                : 0;
        int fresh = FunnelState.newSteps(before, reached);
        for (FunnelStep step : FunnelStep.fromBits(fresh)) {
          store.merge(step.attribute(), 1L, Long::sum);
        }
        if (fresh != 0) {
          cond = before == 0 ? "attribute_not_exists(steps)" : "steps = :old";
          if (before != 0) {
            condValues.put(":old", num(before));
          }
        }
        if (device.equals(uid)) {
          if (fresh != 0) {
            sets.put("steps", num(before | reached));
          }
          items.add(update(MetricKeys.userPk(s, uid), sk, adds, sets, cond, condValues));
        } else {
          items.add(update(MetricKeys.userPk(s, uid), sk, adds, sets, null, Map.of()));
          if (fresh != 0) {
            items.add(
                update(
                    MetricKeys.userPk(s, device),
                    sk,
                    Map.of(),
                    Map.of("steps", num(before | reached)),
                    cond,
                    condValues));
          }
        }
      }
      items.add(
          update(
              MetricKeys.storeShardPk(s, Keys.shardOf(uid, shards)),
              sk,
              store,
              Map.of(),
              null,
              Map.of()));
      // One update per bucket item: an order's products may share a bucket.
      Map<List<String>, Map<String, Long>> buckets = new java.util.LinkedHashMap<>();
      d.products()
          .forEach(
              (k, c) -> {
                Map<String, Long> adds =
                    buckets.computeIfAbsent(
                        List.of(
                            MetricKeys.productsPk(s, k.day()),
                            MetricKeys.productBucketSk(k.productId())),
                        x -> new HashMap<>());
                c.nonZero()
                    .forEach(
                        (pc, v) ->
                            adds.put(
                                MetricKeys.productAttribute(pc.attribute(), k.productId()), v));
              });
      buckets.forEach(
          (key, adds) -> items.add(update(key.get(0), key.get(1), adds, Map.of(), null, Map.of())));
      return items;
    }

    private TransactWriteItem update(
        String pk,
        String sk,
        Map<String, Long> adds,
        Map<String, AttributeValue> sets,
        String condition,
        Map<String, AttributeValue> condValues) {
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>(condValues);
      List<String> add = new ArrayList<>();
      List<String> set = new ArrayList<>();
      // Product attributes ("views:p-1") are not valid placeholder names, so number the adds.
      int i = 0;
      for (Map.Entry<String, Long> e : adds.entrySet()) {
        names.put("#a" + i, e.getKey());
        values.put(":a" + i, num(e.getValue()));
        add.add("#a" + i + " :a" + i);
        i++;
      }
      sets.forEach(
          (k, v) -> {
            names.put("#" + k, k);
            values.put(":" + k, v);
            set.add("#" + k + " = :" + k);
          });
      if (sets.containsKey("lastSeen")) {
        names.put("#firstSeen", "firstSeen");
        set.add("#firstSeen = if_not_exists(#firstSeen, :lastSeen)");
      }
      String expr =
          (add.isEmpty() ? "" : "ADD " + String.join(", ", add) + " ")
              + (set.isEmpty() ? "" : "SET " + String.join(", ", set));
      Update.Builder u =
          Update.builder()
              .tableName(table)
              .key(Map.of("pk", str(pk), "sk", str(sk)))
              .updateExpression(expr.trim())
              .expressionAttributeNames(names)
              .expressionAttributeValues(values);
      if (condition != null) {
        u.conditionExpression(condition.replace("steps", "#steps"));
        names.put("#steps", "steps");
      }
      return TransactWriteItem.builder().update(u.build()).build();
    }

    private String linked(String anon) {
      var item =
          ddb.getItem(
                  b ->
                      b.tableName(table)
                          .consistentRead(true)
                          .key(
                              Map.of(
                                  "pk",
                                  str(MetricKeys.aliasPk(STORE.id(), anon)),
                                  "sk",
                                  str(MetricKeys.ALIAS_SK))))
              .item();
      return item != null && item.containsKey(MetricKeys.USER_ID)
          ? item.get(MetricKeys.USER_ID).s()
          : anon;
    }

    private void link(String anon, String userId) {
      if (!linked(anon).equals(anon)) {
        return;
      }
      ddb.transactWriteItems(
          b ->
              b.transactItems(
                  TransactWriteItem.builder()
                      .put(
                          Put.builder()
                              .tableName(table)
                              .item(
                                  Map.of(
                                      "pk",
                                      str(MetricKeys.aliasPk(STORE.id(), anon)),
                                      "sk",
                                      str(MetricKeys.ALIAS_SK),
                                      MetricKeys.USER_ID,
                                      str(userId)))
                              .build())
                      .build(),
                  TransactWriteItem.builder()
                      .put(
                          Put.builder()
                              .tableName(table)
                              .item(
                                  Map.of(
                                      "pk",
                                      str(MetricKeys.linksPk(STORE.id(), userId)),
                                      "sk",
                                      str(MetricKeys.linkSk(anon))))
                              .build())
                      .build()));
    }

    private static AttributeValue str(String s) {
      return AttributeValue.fromS(s);
    }

    private static AttributeValue num(long n) {
      return AttributeValue.fromN(Long.toString(n));
    }
  }
}
