package dev.tally.query;

import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Weeks;
import dev.tally.core.error.RetryableException;
import dev.tally.core.item.MetricKeys;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads the metrics table. Every method is a fixed number of Query calls on known partition keys
 * (one per shard, step or day), never a Scan, so its cost does not grow with raw events.
 */
public final class MetricsReader {
  /** Bounded fan-out for per-day reads; daemon threads so it never holds a JVM open. */
  private static final ExecutorService PARALLEL =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "tally-query-read");
            t.setDaemon(true);
            return t;
          });

  private final DynamoDbClient ddb;
  private final String table;

  public MetricsReader(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** Numeric attributes per day of one person-day partition. */
  public Map<LocalDate, Map<String, Long>> userDays(String store, String uid, DateRange range) {
    return days(MetricKeys.userPk(store, uid), range);
  }

  /** Store-day totals over all write shards. */
  public Map<LocalDate, Map<String, Long>> storeDays(String store, int shards, DateRange range) {
    List<CompletableFuture<Map<LocalDate, Map<String, Long>>>> parts = new ArrayList<>();
    for (int k = 0; k < shards; k++) {
      String pk = MetricKeys.storeShardPk(store, k);
      parts.add(CompletableFuture.supplyAsync(() -> days(pk, range), PARALLEL));
    }
    Map<LocalDate, Map<String, Long>> out = new TreeMap<>();
    for (var part : parts) {
      join(part)
          .forEach(
              (day, attrs) -> {
                Map<String, Long> sum = out.computeIfAbsent(day, d -> new HashMap<>());
                attrs.forEach((a, v) -> sum.merge(a, v, Long::sum));
              });
    }
    return out;
  }

  /**
   * Estimated distinct people who reached each step over the range: the union of the step's daily
   * sketches, one Query per step, the steps read and merged side by side.
   */
  public Map<FunnelStep, Long> distinctUsers(
      String store, List<FunnelStep> steps, DateRange range) {
    Map<FunnelStep, CompletableFuture<Long>> futures = new java.util.EnumMap<>(FunnelStep.class);
    for (FunnelStep step : steps) {
      futures.put(
          step,
          CompletableFuture.supplyAsync(
              () -> DistinctSketch.estimateUnion(coveringSketches(store, step, range)), PARALLEL));
    }
    Map<FunnelStep, Long> out = new java.util.EnumMap<>(FunnelStep.class);
    futures.forEach((step, f) -> out.put(step, join(f)));
    return out;
  }

  /** Product counters summed over the range: one Query per day (a few bucket items each). */
  public Map<String, Map<String, Long>> products(String store, DateRange range) {
    // The per-day Queries are independent: run them side by side, then merge in day order.
    List<CompletableFuture<List<Map<String, AttributeValue>>>> days = new ArrayList<>();
    for (LocalDate day : range.each()) {
      days.add(
          CompletableFuture.supplyAsync(
              () ->
                  query(
                      b ->
                          b.keyConditionExpression("pk = :pk")
                              .expressionAttributeValues(
                                  Map.of(
                                      ":pk",
                                      AttributeValue.fromS(MetricKeys.productsPk(store, day))))),
              PARALLEL));
    }
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (var day : days) {
      for (var item : join(day)) {
        numbers(item)
            .forEach(
                (attribute, v) -> {
                  String[] counterAndProduct = MetricKeys.parseProductAttribute(attribute);
                  if (counterAndProduct != null) {
                    out.computeIfAbsent(counterAndProduct[1], k -> new HashMap<>())
                        .merge(counterAndProduct[0], v, Long::sum);
                  }
                });
      }
    }
    return out;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Sketches whose union is the step's distinct users over the range: weekly roll-ups for the whole
   * weeks inside it and daily sketches for the days at its edges (at most three Queries).
   */
  List<byte[]> coveringSketches(String store, FunnelStep step, DateRange range) {
    Weeks.Cover cover = Weeks.cover(range.from(), range.to());
    List<byte[]> out = new ArrayList<>();
    if (cover.hasWeeks()) {
      for (var item :
          query(
              b ->
                  b.keyConditionExpression("pk = :pk AND sk BETWEEN :a AND :b")
                      .expressionAttributeValues(
                          Map.of(
                              ":pk", AttributeValue.fromS(MetricKeys.sketchWeekPk(store, step)),
                              ":a", AttributeValue.fromS(MetricKeys.weekSk(cover.firstWeek())),
                              ":b", AttributeValue.fromS(MetricKeys.weekSk(cover.lastWeek())))))) {
        AttributeValue h = item.get(MetricKeys.HLL);
        if (h != null) {
          out.add(h.b().asByteArray());
        }
      }
    }
    for (LocalDate[] edge : cover.edges()) {
      out.addAll(sketches(store, step, new DateRange(edge[0], edge[1])));
    }
    return out;
  }

  /** Serialized HLL sketches of one funnel step, per day. */
  public List<byte[]> sketches(String store, FunnelStep step, DateRange range) {
    return new ArrayList<>(sketchesByDay(store, step, range).values());
  }

  /** Serialized HLL sketches of one funnel step by day (days without one are absent). */
  public Map<LocalDate, byte[]> sketchesByDay(String store, FunnelStep step, DateRange range) {
    Map<LocalDate, byte[]> out = new TreeMap<>();
    for (var item : between(MetricKeys.sketchPk(store, step), range)) {
      AttributeValue h = item.get(MetricKeys.HLL);
      if (h != null) {
        out.put(MetricKeys.dayOf(item.get("sk").s()), h.b().asByteArray());
      }
    }
    return out;
  }

  /** Anonymous ids linked to a user id (at most {@code limit}). */
  public List<String> linkedAnonymousIds(String store, String userId, int limit) {
    List<String> out = new ArrayList<>();
    for (var item :
        query(
            b ->
                b.keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(
                        Map.of(":pk", AttributeValue.fromS(MetricKeys.linksPk(store, userId))))
                    .limit(limit))) {
      out.add(item.get("sk").s().substring("ANON#".length()));
      if (out.size() >= limit) {
        break;
      }
    }
    return out;
  }

  private Map<LocalDate, Map<String, Long>> days(String pk, DateRange range) {
    Map<LocalDate, Map<String, Long>> out = new TreeMap<>();
    for (var item : between(pk, range)) {
      out.put(MetricKeys.dayOf(item.get("sk").s()), numbers(item));
    }
    return out;
  }

  private List<Map<String, AttributeValue>> between(String pk, DateRange range) {
    return query(
        b ->
            b.keyConditionExpression("pk = :pk AND sk BETWEEN :a AND :b")
                .expressionAttributeValues(
                    Map.of(
                        ":pk", AttributeValue.fromS(pk),
                        ":a", AttributeValue.fromS(MetricKeys.daySk(range.from())),
                        ":b", AttributeValue.fromS(MetricKeys.daySk(range.to())))));
  }

  private List<Map<String, AttributeValue>> query(
      java.util.function.Consumer<QueryRequest.Builder> spec) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    try {
      do {
        Map<String, AttributeValue> from = start;
        QueryResponse r =
            ddb.query(
                b -> {
                  b.tableName(table);
                  spec.accept(b);
                  if (from != null) {
                    b.exclusiveStartKey(from);
                  }
                });
        items.addAll(r.items());
        start =
            r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                ? r.lastEvaluatedKey()
                : null;
      } while (start != null);
    } catch (SdkException e) {
      throw new RetryableException(
          "metrics_unavailable", "metrics table unavailable", Duration.ofSeconds(1), e);
    }
    return items;
  }

  private static Map<String, Long> numbers(Map<String, AttributeValue> item) {
    Map<String, Long> out = new HashMap<>();
    item.forEach(
        (k, v) -> {
          if (v.n() != null && !k.equals(MetricKeys.VERSION)) {
            out.put(k, Long.parseLong(v.n()));
          }
        });
    return out;
  }
}
