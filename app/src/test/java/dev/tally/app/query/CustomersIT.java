package dev.tally.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.event.Json;
import dev.tally.core.sim.Workload;
import dev.tally.testkit.metrics.RawEvent;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The customers view on the embedded engine against an oracle computed from the raw events sent,
 * with plain loops and no Tally code: several buyers with repeat orders, guests who never sign in,
 * orders and refunds in another currency, batches sent twice through ingest and appended twice to
 * the log. Counts and money must be exact; first and last seen to the millisecond.
 */
class CustomersIT {
  static final LocalDate LAST = LocalDate.now(ZoneOffset.UTC).minusDays(2);
  static final int DAYS = 40;
  static final LocalDate FIRST = LAST.minusDays(DAYS - 1);

  static EmbeddedStack stack;
  static TallyClient client;
  static final List<ObjectNode> sent = new ArrayList<>();

  /** What the oracle knows of one customer. */
  static final class Expected {
    long orders;
    long revenue;
    final TreeMap<LocalDate, long[]> days = new TreeMap<>(); // day → {orders, revenue}
    Instant firstSeen;
    Instant lastSeen;
  }

  static final Map<String, Expected> customers = new TreeMap<>();

  @BeforeAll
  static void seed() throws Exception {
    stack = EmbeddedStack.start(StackConfig.forTests(), Map.of());
    client = new TallyClient(stack.baseUri());
    List<ObjectNode> events =
        new ArrayList<>(new Workload(31, 45, 12, DAYS, 3_000, LAST).generate());
    events.addAll(extras(new Random(31)));
    List<List<ObjectNode>> batches = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 250) {
      batches.add(events.subList(i, Math.min(events.size(), i + 250)));
    }
    for (List<ObjectNode> b : batches) {
      send(b);
    }
    // Redelivery: a batch again through ingest, and two straight into the log (as a retried
    // publish would), so the aggregator's marks must drop them.
    send(batches.get(1));
    stack.engine().log().append(DemoStore.ID, parsed(batches.get(2)));
    stack.engine().log().append(DemoStore.ID, parsed(batches.get(batches.size() - 1)));
    assertThat(stack.drain(Duration.ofMinutes(5))).as("queue drained").isTrue();
    events.forEach(sent::add);
    oracle();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static List<dev.tally.core.event.Event> parsed(List<ObjectNode> batch) {
    return batch.stream().map(n -> RawEvent.fromSegment(n).toEvent()).toList();
  }

  private static void send(List<ObjectNode> batch) throws Exception {
    HttpResponse<String> r = client.batch(DemoStore.WRITE_KEY, batch, true);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Orders in euros (counted, not converted), refunds in both currencies, user-id-only orders. */
  private static List<ObjectNode> extras(Random rnd) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Instant at =
          FIRST.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(rnd.nextInt(DAYS * 86_400));
      String user = "vip-" + (i % 6);
      String currency = i % 4 == 0 ? "EUR" : "USD";
      String name = i % 5 == 4 ? "Order Refunded" : "Order Completed";
      ObjectNode n = Json.mapper().createObjectNode();
      n.put("type", "track");
      n.put("messageId", "extra-" + i);
      n.put("userId", user);
      if (i % 3 == 0) {
        n.put("anonymousId", "vip-anon-" + (i % 6));
      }
      n.put("timestamp", at.toString());
      n.put("event", name);
      ObjectNode p = n.putObject("properties");
      p.put("order_id", "xo-" + i);
      p.put("currency", currency);
      p.put("revenue", BigDecimal.valueOf(1_000 + rnd.nextInt(90_000), 2));
      out.add(n);
    }
    return out;
  }

  /** The expected customers, from the raw events (each message id once). */
  private static void oracle() {
    Set<String> once = new HashSet<>();
    Map<String, Instant[]> seen = new TreeMap<>();
    for (ObjectNode e : sent) {
      String type = e.path("type").asText();
      if (!once.add(e.path("messageId").asText())
          || !(type.equals("track") || type.equals("page"))) {
        continue;
      }
      String uid =
          e.hasNonNull("userId") ? e.path("userId").asText() : e.path("anonymousId").asText();
      Instant at = Instant.parse(e.path("timestamp").asText());
      Instant[] s = seen.computeIfAbsent(uid, k -> new Instant[] {at, at});
      s[0] = at.isBefore(s[0]) ? at : s[0];
      s[1] = at.isAfter(s[1]) ? at : s[1];
      if (!"Order Completed".equals(e.path("event").asText(null))) {
        continue;
      }
      JsonNode p = e.path("properties");
      String currency = p.path("currency").asText("USD");
      long cents =
          currency.equals("USD")
              ? p.path("revenue").decimalValue().movePointRight(2).longValueExact()
              : 0;
      Expected c = customers.computeIfAbsent(uid, k -> new Expected());
      c.orders++;
      c.revenue += cents;
      long[] d = c.days.computeIfAbsent(LocalDate.ofInstant(at, ZoneOffset.UTC), k -> new long[2]);
      d[0]++;
      d[1] += cents;
    }
    customers.forEach(
        (uid, c) -> {
          c.firstSeen = seen.get(uid)[0];
          c.lastSeen = seen.get(uid)[1];
        });
  }

  private static String money(long cents) {
    return BigDecimal.valueOf(cents, 2).toPlainString();
  }

  private static JsonNode get(String pathAndQuery) throws Exception {
    HttpResponse<String> r = client.get(pathAndQuery, DemoStore.READ_KEY);
    assertThat(r.statusCode()).as(pathAndQuery + " → " + r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  /** The fields every row carries, as the oracle says them. */
  private static Map<String, String> lifetime(String uid) {
    Expected c = customers.get(uid);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("uid", uid);
    m.put("firstSeen", c.firstSeen.toString());
    m.put("lastSeen", c.lastSeen.toString());
    m.put("firstOrderDay", c.days.firstKey().toString());
    m.put("lastOrderDay", c.days.lastKey().toString());
    m.put("ordersCompleted", Long.toString(c.orders));
    m.put("revenue", money(c.revenue));
    return m;
  }

  private static Map<String, String> row(JsonNode r, boolean range) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f :
        List.of(
            "uid",
            "firstSeen",
            "lastSeen",
            "firstOrderDay",
            "lastOrderDay",
            "ordersCompleted",
            "revenue")) {
      m.put(f, r.path(f).asText());
    }
    if (range) {
      for (String f : List.of("rangeOrdersCompleted", "rangeRevenue", "rangeLastOrderDay")) {
        m.put(f, r.path(f).isNull() ? null : r.path(f).asText());
      }
    }
    return m;
  }

  /** Instants as Instant.toString writes them (the API may drop trailing zeros differently). */
  private static Map<String, String> normal(Map<String, String> m) {
    for (String f : List.of("firstSeen", "lastSeen")) {
      m.put(f, Instant.parse(m.get(f)).toString());
    }
    return m;
  }

  private List<Map<String, String>> expectedList(
      LocalDate from, LocalDate to, String sort, int limit) {
    Map<String, long[]> inRange = new TreeMap<>(); // uid → {orders, revenue, last epoch day}
    customers.forEach(
        (uid, c) ->
            c.days
                .subMap(from, true, to, true)
                .forEach(
                    (d, v) -> {
                      long[] t = inRange.computeIfAbsent(uid, k -> new long[3]);
                      t[0] += v[0];
                      t[1] += v[1];
                      t[2] = Math.max(t[2], d.toEpochDay());
                    }));
    Comparator<Map.Entry<String, long[]>> byRevenue =
        Comparator.comparing((Map.Entry<String, long[]> e) -> -e.getValue()[1])
            .thenComparing(Map.Entry::getKey);
    Comparator<Map.Entry<String, long[]>> order =
        sort.equals("top")
            ? byRevenue
            : Comparator.comparing((Map.Entry<String, long[]> e) -> -e.getValue()[2])
                .thenComparing(byRevenue);
    List<Map<String, String>> out = new ArrayList<>();
    inRange.entrySet().stream()
        .sorted(order)
        .limit(limit)
        .forEach(
            e -> {
              Map<String, String> m = lifetime(e.getKey());
              m.put("rangeOrdersCompleted", Long.toString(e.getValue()[0]));
              m.put("rangeRevenue", money(e.getValue()[1]));
              m.put(
                  "rangeLastOrderDay",
                  sort.equals("top") ? null : LocalDate.ofEpochDay(e.getValue()[2]).toString());
              out.add(m);
            });
    return out;
  }

  @Test
  void workload_hasWhatTheOracleNeeds_repeatBuyersGuestsAndOrdersInAnotherCurrency() {
    assertThat(customers).hasSizeGreaterThan(15);
    assertThat(customers.values().stream().filter(c -> c.orders > 1).count()).isGreaterThan(5);
    assertThat(customers.keySet()).anyMatch(u -> u.startsWith("anon-"));
    assertThat(customers.keySet()).anyMatch(u -> u.startsWith("user-"));
    assertThat(customers.keySet()).anyMatch(u -> u.startsWith("vip-"));
  }

  @Test
  void topAndRecentLists_overManyRanges_equalTheOracle_rowForRow() throws Exception {
    List<LocalDate[]> ranges = new ArrayList<>();
    ranges.add(new LocalDate[] {FIRST, LAST});
    ranges.add(new LocalDate[] {LAST.minusDays(6), LAST});
    ranges.add(new LocalDate[] {LAST, LAST});
    ranges.add(new LocalDate[] {FIRST.minusDays(10), FIRST.plusDays(3)});
    LocalDate firstOfMonth = LAST.withDayOfMonth(1);
    ranges.add(new LocalDate[] {firstOfMonth.minusDays(9), firstOfMonth.plusDays(9)});
    Random rnd = new Random(5);
    for (int i = 0; i < 6; i++) {
      LocalDate from = FIRST.plusDays(rnd.nextInt(DAYS));
      ranges.add(new LocalDate[] {from, from.plusDays(rnd.nextInt(DAYS))});
    }
    for (LocalDate[] r : ranges) {
      for (String sort : List.of("top", "recent")) {
        for (int limit : new int[] {100, 3}) {
          String path =
              "/api/v1/customers?from="
                  + r[0]
                  + "&to="
                  + r[1]
                  + "&sort="
                  + sort
                  + "&limit="
                  + limit;
          JsonNode view = get(path);
          assertThat(view.path("complete").asBoolean()).isTrue();
          assertThat(view.path("currency").asText()).isEqualTo("USD");
          List<Map<String, String>> got = new ArrayList<>();
          view.path("customers").forEach(c -> got.add(normal(row(c, true))));
          assertThat(got).as(path).isEqualTo(expectedList(r[0], r[1], sort, limit));
        }
      }
    }
  }

  @Test
  void prefixSearch_findsEveryCustomerWhoseUidStartsWithIt_inUidOrder() throws Exception {
    for (String prefix : List.of("user-", "anon-31-1", "vip-", "v", "a", "nobody")) {
      for (int limit : new int[] {100, 4}) {
        JsonNode view =
            get(
                "/api/v1/customers?prefix="
                    + URLEncoder.encode(prefix, StandardCharsets.UTF_8)
                    + "&limit="
                    + limit);
        List<String> matching =
            customers.keySet().stream().filter(u -> u.startsWith(prefix)).toList();
        List<Map<String, String>> expected =
            matching.stream().limit(limit).map(CustomersIT::lifetime).toList();
        List<Map<String, String>> got = new ArrayList<>();
        view.path("customers").forEach(c -> got.add(normal(row(c, false))));
        assertThat(got).as(prefix + " limit " + limit).isEqualTo(expected);
        assertThat(view.path("more").asBoolean()).isEqualTo(matching.size() > limit);
      }
    }
  }

  @Test
  void csv_ofEachList_equalsItsJson_rowForRow() throws Exception {
    for (String q :
        List.of(
            "from=" + FIRST + "&to=" + LAST + "&sort=top",
            "from=" + FIRST + "&to=" + LAST + "&sort=recent&limit=7",
            "prefix=user-")) {
      JsonNode json = get("/api/v1/customers?" + q);
      HttpResponse<String> csv =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          stack.baseUri().resolve("/api/v1/customers?" + q))
                      .header("Authorization", "Bearer " + DemoStore.READ_KEY)
                      .header("Accept", "text/csv")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(csv.statusCode()).isEqualTo(200);
      String[] lines = csv.body().split("\r\n");
      assertThat(lines).hasSize(json.path("customers").size() + 1);
      List<String> header = List.of(lines[0].split(","));
      for (int i = 0; i < json.path("customers").size(); i++) {
        String[] cells = lines[i + 1].split(",", -1);
        JsonNode row = json.path("customers").get(i);
        for (int c = 0; c < header.size(); c++) {
          String h = header.get(c);
          String expected =
              h.equals("currency") ? "USD" : row.path(h).isNull() ? "" : row.path(h).asText();
          assertThat(cells[c]).as(q + " row " + i + " " + h).isEqualTo(expected);
        }
      }
    }
  }
}
