package dev.tally.app.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.agg.Counter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the query API against an independent recomputation from the raw events, for two
 * stores seeded through the real ingest API and aggregator (see {@link TwoStores}). Daily and range
 * sums are exact; range-distinct people are within 2 %. Every engine's IT extends this.
 */
abstract class QueryApiContract {
  TwoStores s;
  static final LocalDate TO = TwoStores.LAST_DAY;
  static final LocalDate FROM = TO.minusDays(TwoStores.DAYS - 1);
  static final List<String> MONEY = List.of("revenue", "refunds");

  /** The two seeded stores on the engine under test (seeded once per JVM). */
  protected abstract TwoStores seeded();

  @BeforeEach
  void seed() {
    s = seeded();
  }

  record Tenant(EventOracle oracle, String readKey, String currency) {}

  List<Tenant> tenants() {
    return List.of(new Tenant(s.a, s.aRead, "USD"), new Tenant(s.b, s.bRead, "EUR"));
  }

  static String range(LocalDate from, LocalDate to) {
    return "from=" + from + "&to=" + to;
  }

  static void within2Percent(long actual, long expected, String what) {
    assertThat((double) actual)
        .as(what)
        .isCloseTo(expected, within(Math.max(1.0, expected * 0.02)));
  }

  @Test
  void funnel_matchesTheRawEvents_inBothStores() throws Exception {
    for (Tenant tenant : tenants()) {
      EventOracle o = tenant.oracle();
      String key = tenant.readKey();
      for (LocalDate[] r :
          new LocalDate[][] {
            {FROM, TO}, {TO.minusDays(6), TO}, {FROM.minusDays(30), FROM.minusDays(1)}
          }) {
        JsonNode f = s.get("/api/v1/funnel?" + range(r[0], r[1]), key);
        assertThat(f.path("steps")).hasSize(5);
        long first = o.users("visited", r[0], r[1]);
        long prev = first;
        for (int i = 0; i < 5; i++) {
          String step = EventOracle.STEPS.get(i);
          JsonNode n = f.path("steps").get(i);
          assertThat(n.path("step").asText()).isEqualTo(step);
          assertThat(n.path("userDays").asLong())
              .as(step + " userDays " + r[0])
              .isEqualTo(o.userDays(step, r[0], r[1]));
          long users = o.users(step, r[0], r[1]);
          within2Percent(n.path("users").asLong(), users, step + " users");
          assertThat(n.path("approximate").asBoolean()).isTrue();
          if (first > 0) {
            assertThat(n.path("conversionFromStart").asDouble())
                .isCloseTo((double) users / first, within(0.03));
          }
          if (prev > 0 && i > 0) {
            assertThat(n.path("conversionFromPrevious").asDouble())
                .isCloseTo((double) users / prev, within(0.03));
          }
          prev = users;
        }
      }
    }
  }

  @Test
  void dailyTimeseries_ofEveryCounter_isExact_includingZeroDaysAndTheStoreTimeZone()
      throws Exception {
    for (Tenant tenant : tenants()) {
      EventOracle o = tenant.oracle();
      String key = tenant.readKey();
      LocalDate from = FROM.minusDays(3);
      for (Counter c : Counter.values()) {
        JsonNode t =
            s.get("/api/v1/timeseries?metric=" + c.attribute() + "&" + range(from, TO), key);
        assertThat(t.path("unit").asText()).isEqualTo(c.isMoney() ? "money" : "count");
        assertThat(t.path("points")).hasSize(TwoStores.DAYS + 3);
        for (JsonNode p : t.path("points")) {
          LocalDate d = LocalDate.parse(p.path("start").asText());
          long expected = o.counters(d, d).getOrDefault(c.attribute(), 0L);
          if (c.isMoney()) {
            assertThat(p.path("value").isTextual()).isTrue();
            assertThat(p.path("value").asText()).as(c + " " + d).isEqualTo(o.money(expected));
          } else {
            assertThat(p.path("value").asLong()).as(c + " " + d).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void weeklyAndMonthlyTimeseries_sumTheirDays_andDerivedMetricsFollowTheirDefinitions()
      throws Exception {
    EventOracle o = s.b;
    for (String interval : List.of("week", "month")) {
      Function<LocalDate, LocalDate> startOf =
          interval.equals("week")
              ? d -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
              : d -> d.withDayOfMonth(1);
      Function<LocalDate, LocalDate> endOf =
          interval.equals("week")
              ? d -> startOf.apply(d).plusDays(6)
              : d -> d.withDayOfMonth(d.lengthOfMonth());
      for (String metric :
          List.of(
              "ordersCompleted",
              "revenue",
              "netRevenue",
              "averageOrderValue",
              "conversionRate",
              "visitors")) {
        JsonNode t =
            s.get(
                "/api/v1/timeseries?metric="
                    + metric
                    + "&interval="
                    + interval
                    + "&"
                    + range(FROM, TO),
                s.bRead);
        LocalDate expectedStart = FROM;
        for (JsonNode p : t.path("points")) {
          LocalDate start = LocalDate.parse(p.path("start").asText());
          assertThat(start).isEqualTo(expectedStart);
          LocalDate end = endOf.apply(start).isAfter(TO) ? TO : endOf.apply(start);
          Map<String, Long> c = o.counters(start, end);
          long revenue = c.getOrDefault("revenue", 0L);
          long orders = c.getOrDefault("ordersCompleted", 0L);
          switch (metric) {
            case "ordersCompleted" -> assertThat(p.path("value").asLong()).isEqualTo(orders);
            case "revenue", "netRevenue" ->
                assertThat(p.path("value").asText()).isEqualTo(o.money(revenue));
            case "averageOrderValue" ->
                assertThat(p.path("value").asText())
                    .isEqualTo(
                        orders == 0
                            ? "0.00"
                            : BigDecimal.valueOf(revenue, 2)
                                .divide(BigDecimal.valueOf(orders), 2, RoundingMode.HALF_UP)
                                .toPlainString());
            case "conversionRate" -> {
              long visits = o.userDays("visited", start, end);
              assertThat(p.path("value").asDouble())
                  .as(metric + " " + start)
                  .isCloseTo(
                      visits == 0 ? 0 : (double) o.userDays("completedOrder", start, end) / visits,
                      within(1e-12));
            }
            default ->
                within2Percent(
                    p.path("value").asLong(), o.users("visited", start, end), "visitors " + start);
          }
          expectedStart = end.plusDays(1);
        }
        assertThat(expectedStart).isEqualTo(TO.plusDays(1));
      }
    }
  }

  @Test
  void topProducts_rankEveryProductAsTheRawEventsDo_byEachCounter() throws Exception {
    for (Tenant tenant : tenants()) {
      EventOracle o = tenant.oracle();
      String key = tenant.readKey();
      LocalDate from = TO.minusDays(13);
      Map<String, Map<String, Long>> expected = o.products(from, TO);
      for (String by : List.of("views", "adds", "units", "revenue")) {
        JsonNode r = s.get("/api/v1/products/top?by=" + by + "&limit=100&" + range(from, TO), key);
        assertThat(r.path("currency").asText()).isEqualTo(tenant.currency());
        List<String> order = new ArrayList<>(expected.keySet());
        order.sort(
            Comparator.comparing((String id) -> expected.get(id).getOrDefault(by, 0L))
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
        List<String> got = new ArrayList<>();
        for (JsonNode p : r.path("products")) {
          String id = p.path("productId").asText();
          got.add(id);
          Map<String, Long> e = expected.get(id);
          assertThat(e).as(id).isNotNull();
          assertThat(p.path("views").asLong()).as(id).isEqualTo(e.getOrDefault("views", 0L));
          assertThat(p.path("adds").asLong()).as(id).isEqualTo(e.getOrDefault("adds", 0L));
          assertThat(p.path("units").asLong()).as(id).isEqualTo(e.getOrDefault("units", 0L));
          assertThat(p.path("revenue").asText())
              .as(id)
              .isEqualTo(o.money(e.getOrDefault("revenue", 0L)));
        }
        assertThat(got).as("by " + by).isEqualTo(order.subList(0, Math.min(100, order.size())));
      }
      JsonNode top3 = s.get("/api/v1/products/top?by=units&limit=3&" + range(from, TO), key);
      assertThat(top3.path("products")).hasSize(Math.min(3, expected.size()));
    }
  }

  @Test
  void summary_matchesTheRawEvents_forTheRangeAndThePreviousPeriod() throws Exception {
    for (Tenant tenant : tenants()) {
      EventOracle o = tenant.oracle();
      String key = tenant.readKey();
      LocalDate from = TO.minusDays(13);
      LocalDate pFrom = from.minusDays(14);
      LocalDate pTo = from.minusDays(1);
      JsonNode r = s.get("/api/v1/summary?" + range(from, TO), key);
      assertThat(r.path("previousFrom").asText()).isEqualTo(pFrom.toString());
      assertThat(r.path("previousTo").asText()).isEqualTo(pTo.toString());
      Map<String, Long> now = o.counters(from, TO);
      Map<String, Long> before = o.counters(pFrom, pTo);
      JsonNode t = r.path("tiles");
      assertThat(t.at("/revenue/value").asText())
          .isEqualTo(o.money(now.getOrDefault("revenue", 0L)));
      assertThat(t.at("/revenue/previous").asText())
          .isEqualTo(o.money(before.getOrDefault("revenue", 0L)));
      assertThat(t.at("/ordersCompleted/value").asLong())
          .isEqualTo(now.getOrDefault("ordersCompleted", 0L));
      assertThat(t.at("/ordersCompleted/previous").asLong())
          .isEqualTo(before.getOrDefault("ordersCompleted", 0L));
      long prevOrders = before.getOrDefault("ordersCompleted", 0L);
      assertThat(t.at("/ordersCompleted/change").asDouble())
          .isCloseTo(
              (double) (now.getOrDefault("ordersCompleted", 0L) - prevOrders) / prevOrders,
              within(1e-9));
      assertThat(t.at("/averageOrderValue/value").asText())
          .isEqualTo(
              BigDecimal.valueOf(now.getOrDefault("revenue", 0L), 2)
                  .divide(
                      BigDecimal.valueOf(now.getOrDefault("ordersCompleted", 0L)),
                      2,
                      RoundingMode.HALF_UP)
                  .toPlainString());
      within2Percent(t.at("/visitors/value").asLong(), o.users("visited", from, TO), "visitors");
      within2Percent(
          t.at("/visitors/previous").asLong(), o.users("visited", pFrom, pTo), "previous visitors");
      double conv = (double) o.users("completedOrder", from, TO) / o.users("visited", from, TO);
      assertThat(t.at("/conversionRate/value").asDouble()).isCloseTo(conv, within(conv * 0.04));
    }
  }

  @Test
  void acquisition_byEveryDimension_sessionsAndNewVisitors_equalTheRawEvents_exactly()
      throws Exception {
    for (boolean storeA : new boolean[] {true, false}) {
      Tenant tenant = tenants().get(storeA ? 0 : 1);
      Map<String, Map<String, Long>> expected = s.acquisition(storeA);
      // A range that starts mid-week and ends mid-week: whole weeks plus edge days are read.
      LocalDate from = FROM.plusDays(3);
      LocalDate to = TO.minusDays(2);
      for (dev.tally.core.agg.Touch.Dimension d : dev.tally.core.agg.Touch.Dimension.values()) {
        Map<String, long[]> want = new java.util.TreeMap<>();
        long totalSessions = 0;
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
          for (var e : expected.getOrDefault("ACQ|" + day + "|" + d.key(), Map.of()).entrySet()) {
            String[] metricAndValue = e.getKey().split(":", 2);
            long[] v = want.computeIfAbsent(metricAndValue[1], k -> new long[3]);
            v[List.of("sessions", "orders", "revenue").indexOf(metricAndValue[0])] += e.getValue();
          }
        }
        JsonNode r =
            s.get(
                "/api/v1/acquisition?by=" + d.key() + "&limit=100&" + range(from, to),
                tenant.readKey());
        Map<String, long[]> got = new java.util.TreeMap<>();
        for (JsonNode row : r.path("rows")) {
          got.put(
              row.path("value").asText(),
              new long[] {
                row.path("sessions").asLong(),
                row.path("ordersCompleted").asLong(),
                new BigDecimal(row.path("revenue").asText()).movePointRight(2).longValueExact()
              });
          totalSessions += row.path("sessions").asLong();
        }
        assertThat(got.keySet()).as(d.key()).isEqualTo(want.keySet());
        want.forEach((k, v) -> assertThat(got.get(k)).as(d.key() + " " + k).containsExactly(v));
        assertThat(r.at("/totals/sessions").asLong()).isEqualTo(totalSessions);
      }
      long sessions = 0;
      long newVisitors = 0;
      JsonNode series =
          s.get("/api/v1/timeseries?metric=sessions&" + range(from, to), tenant.readKey());
      JsonNode fresh =
          s.get("/api/v1/timeseries?metric=newVisitors&" + range(from, to), tenant.readKey());
      for (int i = 0; i < series.path("points").size(); i++) {
        LocalDate day = from.plusDays(i);
        Map<String, Long> total = expected.getOrDefault("ACQ|" + day + "|TOTAL", Map.of());
        assertThat(series.at("/points/" + i + "/value").asLong())
            .as("sessions " + day)
            .isEqualTo(total.getOrDefault("sessions", 0L));
        assertThat(fresh.at("/points/" + i + "/value").asLong())
            .as("new visitors " + day)
            .isEqualTo(total.getOrDefault("newVisitors", 0L));
        sessions += total.getOrDefault("sessions", 0L);
        newVisitors += total.getOrDefault("newVisitors", 0L);
      }
      assertThat(sessions).as("the workload has sessions").isPositive();
      JsonNode tiles = s.get("/api/v1/summary?" + range(from, to), tenant.readKey()).path("tiles");
      assertThat(tiles.at("/sessions/value").asLong()).isEqualTo(sessions);
      assertThat(tiles.at("/newVisitors/value").asLong()).isEqualTo(newVisitors);
      java.util.Set<String> returning = new java.util.HashSet<>();
      s.returning(storeA)
          .forEach(
              (day, devices) -> {
                if (!day.isBefore(from) && !day.isAfter(to)) {
                  returning.addAll(devices);
                }
              });
      assertThat(returning).as("the workload has returning visitors").isNotEmpty();
      within2Percent(
          tiles.at("/returningVisitors/value").asLong(), returning.size(), "returning visitors");
    }
  }

  @Test
  void userMetrics_mergeLinkedAnonymousHistory_andMatchTheRawEventsPerDay() throws Exception {
    List<String> uids = new ArrayList<>();
    for (EventOracle.Fact f : s.a.facts()) {
      if (f.userId() != null && !uids.contains(f.userId()) && uids.size() < 3) {
        uids.add(f.userId());
      }
    }
    uids.add(s.anonymousOnly()); // a visitor who never signs in
    LocalDate from = TO.minusDays(89);
    for (String uid : uids) {
      JsonNode r = s.get("/api/v1/users/" + uid + "/metrics?" + range(from, TO), s.aRead);
      Map<LocalDate, Map<String, Long>> expected = s.a.userDaysOf(uid);
      assertThat(r.path("days")).hasSize(90);
      if (uid.startsWith("user-")) {
        List<String> linked = new ArrayList<>();
        r.path("linkedIds").forEach(n -> linked.add(n.asText()));
        assertThat(linked).containsExactlyInAnyOrderElementsOf(s.a.linkedAnons(uid));
      }
      for (JsonNode d : r.path("days")) {
        LocalDate day = LocalDate.parse(d.path("day").asText());
        Map<String, Long> e = expected.getOrDefault(day, Map.of());
        for (Counter c : Counter.values()) {
          long v = e.getOrDefault(c.attribute(), 0L);
          if (c.isMoney()) {
            assertThat(d.path(c.attribute()).asText())
                .as(uid + " " + day + " " + c)
                .isEqualTo(s.a.money(v));
          } else {
            assertThat(d.path(c.attribute()).asLong()).as(uid + " " + day + " " + c).isEqualTo(v);
          }
        }
      }
      long total = expected.values().stream().mapToLong(m -> m.getOrDefault("events", 0L)).sum();
      assertThat(r.at("/totals/events").asLong()).isEqualTo(total).isPositive();
    }
  }

  @Test
  void everyResponse_matchesTheOpenApiDocument_servedWithoutAKey() throws Exception {
    HttpResponse<String> doc = s.raw("/api/v1/openapi.json", null);
    assertThat(doc.statusCode()).isEqualTo(200);
    OpenApiContract contract = new OpenApiContract(doc.body());
    String r = range(TO.minusDays(40), TO);
    List<String> calls =
        new ArrayList<>(
            List.of(
                "/api/v1/store",
                "/api/v1/funnel?" + r,
                "/api/v1/funnel?" + range(FROM.minusDays(20), FROM.minusDays(10)),
                "/api/v1/summary?" + r,
                "/api/v1/summary?" + range(FROM, FROM),
                "/api/v1/products/top?by=revenue&" + r,
                "/api/v1/products/top?by=views&limit=3&" + r,
                "/api/v1/users/" + s.anonymousOnly() + "/metrics?" + r,
                "/api/v1/users/nobody/metrics?" + range(TO, TO),
                "/api/v1/customers?sort=top&" + r,
                "/api/v1/customers?sort=recent&limit=5&" + r,
                "/api/v1/customers?prefix=user-",
                "/api/v1/customers?prefix=nobody",
                "/api/v1/customers?sort=best&" + r,
                // errors are part of the contract too
                "/api/v1/funnel?from=" + TO,
                "/api/v1/funnel?" + range(TO, FROM),
                "/api/v1/products/top?limit=500&" + r,
                "/api/v1/timeseries?metric=nope&" + r,
                "/api/v1/summary?store=somewhere-else&" + r));
    for (String m : dev.tally.query.SeriesMetric.ids()) {
      calls.add("/api/v1/timeseries?metric=" + m + "&interval=week&" + r);
    }
    calls.add("/api/v1/timeseries?metric=revenue&interval=day&" + r);
    calls.add("/api/v1/timeseries?metric=visitors&interval=month&" + r);
    for (String call : calls) {
      for (String key : List.of(s.aRead, s.bRead)) {
        contract.check(call, s.raw(call, key));
      }
    }
    contract.check("/api/v1/funnel?" + r, s.raw("/api/v1/funnel?" + r, null));
    contract.check("/api/v1/funnel?" + r, s.raw("/api/v1/funnel?" + r, s.aWrite));
  }
}
