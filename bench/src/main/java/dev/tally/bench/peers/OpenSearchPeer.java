package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Ecommerce;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.opensearch.archive.ArchiveLayout;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import dev.tally.opensearch.replay.ReplaySummary;
import dev.tally.testkit.OpenSearchNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * OpenSearch (the integ-test distribution 2.19, single node, its own JVM with a fixed heap) loaded
 * the way {@code tally replay opensearch} loads it: the workload is written as a local archive (the
 * archiver's layout and log entries), then {@link Replay} bulk-indexes it into the monthly indexes
 * of the standard template, so the data engineers' real copy is what is measured. Every question is
 * answered with aggregations on the store's filtered alias. Distinct devices and device-days come,
 * by default, from {@code cardinality} (HyperLogLog++, {@code precision_threshold} 40,000, the
 * largest) in one request per question, as a data engineer would ask: an estimate, compared within
 * 2% like Tally's sketches. With {@code exactDistinct} they come from paged {@code composite}
 * aggregations over every device (and day), counted here: exact, and seconds per question.
 */
final class OpenSearchPeer implements PeerEngine {
  /** Composite page size: with four sub-buckets each, 50,000 buckets, under the 65,535 limit. */
  private static final int PAGE = 10_000;

  /** OpenSearch's largest: counts below it are near-exact, above it the estimate is tightest. */
  private static final int PRECISION_THRESHOLD = 40_000;

  /** Events per archived log entry: what ingest puts in one entry at most. */
  private static final int ENTRY = 500;

  private static final String[] STEP_EVENTS = {
    Ecommerce.PRODUCT_VIEWED,
    Ecommerce.PRODUCT_ADDED,
    Ecommerce.CHECKOUT_STARTED,
    Ecommerce.ORDER_COMPLETED
  };

  private final Path dir;
  private final OpenSearchNode server;
  private final OpenSearch os;
  private final IndexNames names = IndexNames.defaults();
  private final String target = names.storeAlias(PeerWorkload.STORE.id());
  private final boolean exactDistinct;

  /**
   * Starts a fresh server from the unpacked distribution {@code home} with {@code heap} (e.g.
   * {@code 1g}); the archive and replay state go to {@code dir}. {@code exactDistinct}: distinct
   * counts from paged composite aggregations instead of {@code cardinality}.
   */
  OpenSearchPeer(Path dir, Path home, String heap, boolean exactDistinct) {
    this.dir = dir;
    this.exactDistinct = exactDistinct;
    this.server = OpenSearchNode.start(home, heap);
    this.os = OpenSearch.connect(server.baseUrl());
  }

  /**
   * The distribution the build unpacks beside the bench's jar (or classes): {@code
   * target/opensearch-dist/opensearch-*}; {@code -Dtally.opensearch.home} overrides it.
   */
  static Path defaultHome() throws Exception {
    String set = System.getProperty("tally.opensearch.home");
    if (set != null) {
      return Path.of(set);
    }
    Path code =
        Path.of(OpenSearchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dist = code.getParent().resolve("opensearch-dist");
    try (Stream<Path> found = Files.list(dist)) {
      return found
          .filter(p -> p.getFileName().toString().startsWith("opensearch-"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no OpenSearch in " + dist));
    } catch (IOException e) {
      throw new IllegalStateException(
          "no OpenSearch distribution in "
              + dist
              + " (the bench's package phase unpacks it; or set -Dtally.opensearch.home)",
          e);
    }
  }

  @Override
  public String name() {
    return "OpenSearch";
  }

  /** How distinct figures are counted, for the run's JSON: {@code exact} or {@code cardinality}. */
  String distinctMode() {
    return exactDistinct ? "exact" : "cardinality";
  }

  @Override
  public long load(PeerWorkload workload) throws Exception {
    Path archive = dir.resolve("archive");
    long written = writeArchive(workload, archive);
    long t0 = System.nanoTime();
    ReplaySummary s =
        new Replay(
                new LocalArchive(archive),
                os,
                id -> PeerWorkload.STORE,
                ReplayConfig.defaults(dir.resolve("replay")),
                new Replay.Listener() {})
            .run(server.baseUrl().toString());
    os.refresh(names.pattern());
    long nanos = System.nanoTime() - t0;
    long indexed = os.count(target);
    if (s.badRows() > 0 || indexed != written) {
      throw new IllegalStateException(
          "replay indexed " + indexed + " of " + written + " events: " + s.describe());
    }
    return nanos;
  }

  /**
   * The workload as a local archive ({@link ArchiveLayout}: gzip files of log entries, one file per
   * chunk); not timed, as generating the events is not for the other engines. Returns the events.
   */
  private static long writeArchive(PeerWorkload workload, Path root) throws IOException {
    Path partition =
        Files.createDirectories(
            root.resolve(
                ArchiveLayout.Partition.of(
                        PeerWorkload.STORE.id(),
                        workload.lastDay().atStartOfDay().toInstant(ZoneOffset.UTC))
                    .path()));
    long[] position = {0};
    long[] events = {0};
    workload.forEach(
        chunk -> {
          events[0] += chunk.size();
          long first = position[0];
          List<String> lines = new ArrayList<>();
          for (int i = 0; i < chunk.size(); i += ENTRY) {
            List<Event> entry = chunk.subList(i, Math.min(chunk.size(), i + ENTRY));
            lines.add(
                EventCodec.encodeToString(
                    new LogEntry("peers-" + position[0]++, PeerWorkload.STORE.id(), entry)));
          }
          Path file = partition.resolve(ArchiveLayout.fileName(first, position[0] - 1));
          try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (String line : lines) {
              out.write(line.getBytes(StandardCharsets.UTF_8));
              out.write('\n');
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return events[0];
  }

  @Override
  public long storageBytes() {
    JsonNode stats = os.require("GET", "/" + names.pattern() + "/_stats/store", null);
    return stats.path("_all").path("primaries").path("store").path("size_in_bytes").asLong();
  }

  /** Sum of the peak RSS of the server's processes (its JVM, started by the script). */
  @Override
  public long externalPeakRssBytes() {
    long sum = 0;
    for (long pid : server.pids()) {
      sum += ProcessMemory.peakRss(pid);
    }
    return sum;
  }

  @Override
  public JsonNode answer(Question q) {
    return switch (q.kind()) {
      case FUNNEL -> exactDistinct ? funnel(q) : estimatedFunnel(q);
      case USER_HISTORY -> userHistory(q);
      case REVENUE_BY_DAY -> revenueByDay(q);
      case TOP_PRODUCTS -> topProducts(q);
      case SUMMARY -> summary(q);
    };
  }

  /**
   * One request: per step, the {@code cardinality} of devices over the range ({@code users}) and in
   * each day's bucket, summed ({@code userDays}).
   */
  private JsonNode estimatedFunnel(Question q) {
    ObjectNode query = query(q.from().toString(), q.to().toString(), activity());
    ObjectNode aggs = query.putObject("aggs");
    stepDevices(aggs);
    // The documents' day is already the store-local day (a date at midnight UTC): the store's time
    // zone was applied when they were indexed, so the histogram needs none.
    ObjectNode days = aggs.putObject("days");
    days.putObject("date_histogram").put("field", "day").put("calendar_interval", "day");
    stepDevices(days.putObject("aggs"));
    JsonNode result = os.search(target, query).path("aggregations");
    ObjectNode out = Answers.object();
    ArrayNode arr = out.putArray("steps");
    for (String step : Answers.STEPS) {
      long userDays = 0;
      for (JsonNode day : result.path("days").path("buckets")) {
        userDays += devices(day, step);
      }
      arr.addObject()
          .put("step", step)
          .put("userDays", userDays)
          .put("users", devices(result, step));
    }
    return out;
  }

  /** {@code steps}: a filter per funnel step (the first: any activity), each counting devices. */
  private static void stepDevices(ObjectNode aggs) {
    ObjectNode steps = aggs.putObject("steps");
    ObjectNode filters = steps.putObject("filters").putObject("filters");
    filters.putObject(Answers.STEPS[0]).putObject("match_all");
    for (int i = 0; i < STEP_EVENTS.length; i++) {
      filters.set(Answers.STEPS[i + 1], term("event", STEP_EVENTS[i]));
    }
    distinctDevices(steps.putObject("aggs"), "devices");
  }

  private static long devices(JsonNode parent, String step) {
    return parent.path("steps").path("buckets").path(step).path("devices").path("value").asLong();
  }

  /** {@code name}: the estimated number of distinct devices. */
  private static void distinctDevices(ObjectNode aggs, String name) {
    aggs.putObject(name)
        .putObject("cardinality")
        .put("field", "deviceId")
        .put("precision_threshold", PRECISION_THRESHOLD);
  }

  /**
   * Exact: every (device, day) of the range with its step flags, in device order; a device's step
   * counts once towards {@code users}, each of its days once towards {@code userDays}.
   */
  private JsonNode funnel(Question q) {
    ObjectNode query = query(q.from().toString(), q.to().toString(), activity());
    ObjectNode comp = query.putObject("aggs").putObject("pairs");
    ArrayNode sources = composite(comp);
    sources.addObject().putObject("device").putObject("terms").put("field", "deviceId");
    sources
        .addObject()
        .putObject("day")
        .putObject("date_histogram")
        .put("field", "day")
        .put("calendar_interval", "day");
    ObjectNode steps = comp.putObject("aggs").putObject("steps").putObject("filters");
    ObjectNode filters = steps.putObject("filters");
    for (int i = 0; i < STEP_EVENTS.length; i++) {
      filters.set(Answers.STEPS[i + 1], term("event", STEP_EVENTS[i]));
    }
    int n = Answers.STEPS.length;
    long[] userDays = new long[n];
    long[] users = new long[n];
    boolean[] seen = new boolean[n];
    String[] device = {null};
    pages(
        query,
        comp,
        b -> {
          String d = b.path("key").path("device").asText();
          if (!d.equals(device[0])) {
            device[0] = d;
            Arrays.fill(seen, false);
          }
          for (int i = 0; i < n; i++) {
            boolean reached =
                i == 0
                    || b.path("steps")
                            .path("buckets")
                            .path(Answers.STEPS[i])
                            .path("doc_count")
                            .asLong()
                        > 0;
            if (reached) {
              userDays[i]++;
              if (!seen[i]) {
                seen[i] = true;
                users[i]++;
              }
            }
          }
        });
    ObjectNode out = Answers.object();
    ArrayNode arr = out.putArray("steps");
    for (int i = 0; i < n; i++) {
      arr.addObject()
          .put("step", Answers.STEPS[i])
          .put("userDays", userDays[i])
          .put("users", users[i]);
    }
    return out;
  }

  /**
   * The user's activity and that of every anonymous id seen with the user id (linked by a sign-in),
   * per day: the SQL peers' rule, and Tally's merge of linked ids at read time.
   */
  private JsonNode userHistory(Question q) {
    ObjectNode linksQuery = query(null, null, term("userId", q.userId()));
    linksQuery
        .putObject("aggs")
        .putObject("ids")
        .putObject("terms")
        .put("field", "anonymousId")
        .put("size", 10_000);
    JsonNode ids = os.search(target, linksQuery).path("aggregations").path("ids");
    complete(ids);
    ObjectNode person = Json.mapper().createObjectNode();
    ObjectNode bool = person.putObject("bool");
    ArrayNode should = bool.putArray("should");
    should.add(term("userId", q.userId()));
    ArrayNode anon = should.addObject().putObject("terms").putArray("anonymousId");
    ids.path("buckets").forEach(b -> anon.add(b.path("key").asText()));
    bool.put("minimum_should_match", 1);
    ObjectNode query = query(q.from().toString(), q.to().toString(), activity(), person);
    ObjectNode days = byDay(query.putObject("aggs"));
    revenue(days.putObject("aggs"));
    ObjectNode out = Answers.object();
    ObjectNode map = out.putObject("days");
    for (JsonNode b : buckets(os.search(target, query), "days")) {
      map.putObject(b.path("key_as_string").asText())
          .put("events", b.path("doc_count").asLong())
          .put("revenue", sum(b.path("orders").path("revenue")));
    }
    return out;
  }

  private JsonNode revenueByDay(Question q) {
    ObjectNode query =
        query(q.from().toString(), q.to().toString(), term("event", Ecommerce.ORDER_COMPLETED));
    ObjectNode days = byDay(query.putObject("aggs"));
    days.putObject("aggs").putObject("revenue").putObject("sum").put("field", "revenueMinor");
    ObjectNode out = Answers.object();
    ObjectNode map = out.putObject("days");
    for (JsonNode b : buckets(os.search(target, query), "days")) {
      long v = sum(b.path("revenue"));
      if (v != 0) {
        map.put(b.path("key_as_string").asText(), v);
      }
    }
    return out;
  }

  /** Every product's order lines summed (nested), then sorted here: exact, not a shard top-n. */
  private JsonNode topProducts(Question q) {
    ObjectNode query =
        query(q.from().toString(), q.to().toString(), term("event", Ecommerce.ORDER_COMPLETED));
    ObjectNode lines = query.putObject("aggs").putObject("lines");
    lines.putObject("nested").put("path", "lines");
    ObjectNode products = lines.putObject("aggs").putObject("products");
    products.putObject("terms").put("field", "lines.productId").put("size", 10_000);
    ObjectNode sums = products.putObject("aggs");
    sums.putObject("revenue").putObject("sum").put("field", "lines.revenueMinor");
    sums.putObject("units").putObject("sum").put("field", "lines.quantity");
    JsonNode terms = os.search(target, query).path("aggregations").path("lines").path("products");
    complete(terms);
    record Product(String id, long revenue, long units) {}
    List<Product> all = new ArrayList<>();
    for (JsonNode b : terms.path("buckets")) {
      all.add(new Product(b.path("key").asText(), sum(b.path("revenue")), sum(b.path("units"))));
    }
    all.sort(Comparator.comparingLong(Product::revenue).reversed().thenComparing(Product::id));
    ObjectNode out = Answers.object();
    ArrayNode arr = out.putArray("products");
    for (Product p : all.subList(0, Math.min(10, all.size()))) {
      arr.addObject().put("productId", p.id()).put("revenue", p.revenue()).put("units", p.units());
    }
    return out;
  }

  /**
   * Money and orders from one request; visitors and buyers estimated in that request ({@code
   * cardinality}), or exact from a paged composite of devices.
   */
  private JsonNode summary(Question q) {
    String from = q.from().toString();
    ObjectNode query = query(q.previousFrom().toString(), q.to().toString(), activity());
    ObjectNode periods = query.putObject("aggs").putObject("periods");
    ObjectNode f = periods.putObject("filters").putObject("filters");
    f.set("cur", range(from, null));
    f.set("prev", range(null, prevTo(q)));
    ObjectNode perPeriod = periods.putObject("aggs");
    revenue(perPeriod);
    if (!exactDistinct) {
      distinctDevices(perPeriod, "visitors");
      distinctDevices((ObjectNode) perPeriod.path("orders").path("aggs"), "buyers");
    }
    JsonNode p = os.search(target, query).path("aggregations").path("periods").path("buckets");
    long[] cur = new long[4];
    long[] prev = new long[4];
    for (String k : new String[] {"cur", "prev"}) {
      long[] t = k.equals("cur") ? cur : prev;
      t[0] = sum(p.path(k).path("orders").path("revenue"));
      t[1] = p.path(k).path("orders").path("doc_count").asLong();
      t[2] = p.path(k).path("visitors").path("value").asLong();
      t[3] = p.path(k).path("orders").path("buyers").path("value").asLong();
    }
    if (!exactDistinct) {
      return SqlPeer.summaryNode(cur, prev);
    }
    ObjectNode people = query(q.previousFrom().toString(), q.to().toString(), activity());
    ObjectNode comp = people.putObject("aggs").putObject("devices");
    composite(comp).addObject().putObject("device").putObject("terms").put("field", "deviceId");
    ObjectNode sub = comp.putObject("aggs");
    for (String k : new String[] {"cur", "prev"}) {
      ObjectNode period = sub.putObject(k);
      period.set("filter", k.equals("cur") ? range(from, null) : range(null, prevTo(q)));
      period.putObject("aggs").putObject("orders").set("filter", orderFilter());
    }
    pages(
        people,
        comp,
        b -> {
          for (String k : new String[] {"cur", "prev"}) {
            long[] t = k.equals("cur") ? cur : prev;
            if (b.path(k).path("doc_count").asLong() > 0) {
              t[2]++;
              if (b.path(k).path("orders").path("doc_count").asLong() > 0) {
                t[3]++;
              }
            }
          }
        });
    return SqlPeer.summaryNode(cur, prev);
  }

  private static String prevTo(Question q) {
    return q.from().minusDays(1).toString();
  }

  /** Runs a composite aggregation page by page, handing each bucket on in key order. */
  private void pages(ObjectNode query, ObjectNode aggregation, Consumer<JsonNode> bucket) {
    ObjectNode comp = (ObjectNode) aggregation.path("composite");
    String name = query.path("aggs").fieldNames().next();
    while (true) {
      JsonNode agg = os.search(target, query).path("aggregations").path(name);
      JsonNode buckets = agg.path("buckets");
      buckets.forEach(bucket);
      JsonNode after = agg.get("after_key");
      if (buckets.size() < PAGE || after == null) {
        return;
      }
      comp.set("after", after);
    }
  }

  private static ArrayNode composite(ObjectNode aggregation) {
    ObjectNode comp = aggregation.putObject("composite");
    comp.put("size", PAGE);
    return comp.putArray("sources");
  }

  private static ObjectNode byDay(ObjectNode aggs) {
    ObjectNode days = aggs.putObject("days");
    days.putObject("date_histogram")
        .put("field", "day")
        .put("calendar_interval", "day")
        .put("format", "yyyy-MM-dd")
        .put("min_doc_count", 1);
    return days;
  }

  /** {@code orders}: the completed orders, with their {@code revenue} summed. */
  private static void revenue(ObjectNode aggs) {
    ObjectNode orders = aggs.putObject("orders");
    orders.set("filter", orderFilter());
    orders.putObject("aggs").putObject("revenue").putObject("sum").put("field", "revenueMinor");
  }

  private static ObjectNode orderFilter() {
    return term("event", Ecommerce.ORDER_COMPLETED);
  }

  private static Iterable<JsonNode> buckets(JsonNode response, String name) {
    return response.path("aggregations").path(name).path("buckets");
  }

  /** A sum of whole minor units: OpenSearch sums in doubles, exact below 2^53. */
  private static long sum(JsonNode agg) {
    return Math.round(agg.path("value").asDouble());
  }

  private static void complete(JsonNode terms) {
    if (terms.path("sum_other_doc_count").asLong(0) > 0) {
      throw new IllegalStateException("a terms aggregation did not list every key");
    }
  }

  private static ObjectNode activity() {
    ObjectNode n = Json.mapper().createObjectNode();
    n.putObject("terms").putArray("type").add("track").add("page");
    return n;
  }

  private static ObjectNode term(String field, String value) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.putObject("term").put(field, value);
    return n;
  }

  private static ObjectNode range(String from, String to) {
    ObjectNode n = Json.mapper().createObjectNode();
    ObjectNode r = n.putObject("range").putObject("day");
    if (from != null) {
      r.put("gte", from);
    }
    if (to != null) {
      r.put("lte", to);
    }
    return n;
  }

  /** size 0, the day range (when given), and the filters. */
  private static ObjectNode query(String from, String to, ObjectNode... filters) {
    ObjectNode q = Json.mapper().createObjectNode();
    q.put("size", 0);
    q.put("track_total_hits", false);
    ArrayNode all = q.putObject("query").putObject("bool").putArray("filter");
    if (from != null) {
      all.add(range(from, to));
    }
    for (ObjectNode f : filters) {
      all.add(f);
    }
    return q;
  }

  @Override
  public void close() {
    os.close();
    server.close();
  }
}
