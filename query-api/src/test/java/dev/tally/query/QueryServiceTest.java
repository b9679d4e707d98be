package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.agg.Weeks;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryServiceTest {
  static final String READ = "rk_shop";
  static final LocalDate MON = LocalDate.parse("2026-11-02");
  static final LocalDate NEXT_MON = LocalDate.parse("2026-11-09");

  FakeMetricsTable table;
  InMemoryStoreRegistry stores;
  QueryService service;

  @BeforeEach
  void setUp() {
    stores = new InMemoryStoreRegistry();
    stores.create(Store.of("shop", "UTC", "USD", List.of()), "wk_shop", READ);
    stores.create(Store.of("other", "UTC", "EUR", List.of()), "wk_other", "rk_other");
    table = new FakeMetricsTable();
    service = new QueryService(stores, new MetricsReader(table), new QueryConfig(4, 1000, 1000));

    table.putNumbers(
        MetricKeys.storeShardPk("shop", 0),
        MetricKeys.daySk(MON),
        Map.of(
            "visited",
            3L,
            "viewedProduct",
            2L,
            "completedOrder",
            1L,
            "revenue",
            1250L,
            "refunds",
            250L,
            "ordersCompleted",
            1L,
            "events",
            10L));
    table.putNumbers(
        MetricKeys.storeShardPk("shop", 1),
        MetricKeys.daySk(MON),
        Map.of("visited", 1L, "events", 2L));
    table.putNumbers(
        MetricKeys.storeShardPk("shop", 0),
        MetricKeys.daySk(NEXT_MON),
        Map.of(
            "visited",
            2L,
            "completedOrder",
            1L,
            "revenue",
            500L,
            "ordersCompleted",
            1L,
            "events",
            4L));
    sketch(FunnelStep.VISITED, MON, "a", "b", "c", "d");
    sketch(FunnelStep.VISITED, NEXT_MON, "a", "e");
    sketch(FunnelStep.COMPLETED_ORDER, MON, "a");
    sketch(FunnelStep.COMPLETED_ORDER, NEXT_MON, "e");
    product(MON, "p1", Map.of("views", 5L, "units", 1L, "revenue", 1000L));
    product(MON, "p2", Map.of("views", 9L, "adds", 1L));
    product(NEXT_MON, "p1", Map.of("views", 1L, "units", 1L, "revenue", 500L));
    // Another store's numbers in the same table must never be read.
    table.putNumbers(
        MetricKeys.storeShardPk("other", 0),
        MetricKeys.daySk(MON),
        Map.of("visited", 999L, "revenue", 999_999L));
  }

  /** A product's counters of one day, in the day's bucket and its week and month roll-ups. */
  private void product(LocalDate day, String productId, Map<String, Long> counters) {
    for (String pk : MetricKeys.productsPks("shop", day)) {
      table.putNumbers(pk, MetricKeys.productBucketSk(productId), products(productId, counters));
    }
  }

  private void sketch(FunnelStep step, LocalDate day, String... ids) {
    table.putBytes(
        MetricKeys.sketchPk("shop", step),
        MetricKeys.daySk(day),
        MetricKeys.HLL,
        DistinctSketch.add(null, List.of(ids)));
    // As the aggregator does: the same ids also go into the week's roll-up sketch.
    String weekPk = MetricKeys.sketchWeekPk("shop", step);
    String weekSk = MetricKeys.weekSk(Weeks.start(day));
    var week = table.item(weekPk, weekSk);
    byte[] current = week == null ? null : week.bin(MetricKeys.HLL);
    table.putBytes(weekPk, weekSk, MetricKeys.HLL, DistinctSketch.add(current, List.of(ids)));
  }

  private QueryResponse get(String pathAndQuery, String key) {
    String[] parts = pathAndQuery.split("\\?", 2);
    Map<String, String> q = new HashMap<>();
    if (parts.length > 1) {
      for (String kv : parts[1].split("&")) {
        String[] p = kv.split("=", 2);
        q.put(p[0], p.length > 1 ? p[1] : "");
      }
    }
    return service.handle(
        new QueryRequest("GET", parts[0], q, key == null ? null : "Bearer " + key));
  }

  private JsonNode ok(String pathAndQuery) {
    QueryResponse r = get(pathAndQuery, READ);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body();
  }

  @Test
  void acceptTextCsv_getsEachTableAsCsv_withTheJsonsNumbers_andErrorsStayJson() {
    for (String path :
        List.of(
            "/api/v1/funnel?from=2026-11-01&to=2026-11-15",
            "/api/v1/timeseries?metric=revenue&from=2026-11-01&to=2026-11-15",
            "/api/v1/products/top?from=2026-11-01&to=2026-11-15",
            "/api/v1/summary?from=2026-11-09&to=2026-11-15")) {
      String[] parts = path.split("\\?", 2);
      Map<String, String> q = new HashMap<>();
      for (String kv : parts[1].split("&")) {
        String[] p = kv.split("=", 2);
        q.put(p[0], p[1]);
      }
      QueryResponse r =
          service.handle(new QueryRequest("GET", parts[0], q, "Bearer " + READ, "text/csv"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.contentType()).startsWith("text/csv");
      assertThat(r.csv()).as(path).isEqualTo(Csv.of(r.body()));
      assertThat(r.csv().split("\r\n")).as(path).hasSizeGreaterThan(1);
    }
    QueryResponse summary =
        service.handle(
            new QueryRequest(
                "GET",
                "/api/v1/summary",
                Map.of("from", "2026-11-09", "to", "2026-11-15"),
                "Bearer " + READ,
                "text/csv"));
    assertThat(summary.csv()).contains("\r\nrevenue,5.00,12.50,-0.6,USD\r\n");
    QueryResponse bad =
        service.handle(
            new QueryRequest(
                "GET", "/api/v1/funnel", Map.of("from", "x"), "Bearer " + READ, "text/csv"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.csv()).isNull();
  }

  @Test
  void funnel_sumsDailyDistinctCountersAcrossShards_andEstimatesRangeDistinctFromSketches() {
    table.queries = 0;
    JsonNode f = ok("/api/v1/funnel?from=2026-11-01&to=2026-11-15");
    // 2026-11-01 is a Sunday: two whole weeks plus one edge day, so per step one weekly and one
    // daily sketch Query.
    assertThat(table.queries)
        .as("4 shard partitions + 5 × (weekly + edge-day) sketch Queries")
        .isEqualTo(14);
    JsonNode visited = f.at("/steps/0");
    assertThat(visited.path("step").asText()).isEqualTo("visited");
    assertThat(visited.path("userDays").asLong()).isEqualTo(6);
    assertThat(visited.path("users").asLong()).isEqualTo(5);
    assertThat(visited.path("approximate").asBoolean()).isTrue();
    assertThat(visited.path("conversionFromStart").asDouble()).isEqualTo(1.0);
    JsonNode viewed = f.at("/steps/1");
    assertThat(viewed.path("userDays").asLong()).isEqualTo(2);
    assertThat(viewed.path("users").asLong()).isZero();
    assertThat(viewed.path("dropOff").asLong()).isEqualTo(5);
    assertThat(viewed.path("userDaysConversionFromStart").asDouble()).isEqualTo(2.0 / 6);
    JsonNode ordered = f.at("/steps/4");
    assertThat(ordered.path("step").asText()).isEqualTo("completedOrder");
    assertThat(ordered.path("users").asLong()).isEqualTo(2);
    assertThat(ordered.path("conversionFromStart").asDouble()).isEqualTo(0.4);
    assertThat(ordered.path("conversionFromPrevious").isNull())
        .as("previous step had 0 users")
        .isTrue();
  }

  @Test
  void funnel_ofAnEmptyRange_hasFiveZeroSteps_withNullConversions() {
    JsonNode f = ok("/api/v1/funnel?from=2025-01-01&to=2025-01-31");
    assertThat(f.path("steps")).hasSize(5);
    assertThat(f.at("/steps/0/users").asLong()).isZero();
    assertThat(f.at("/steps/0/conversionFromStart").isNull()).isTrue();
  }

  @Test
  void weeklyTimeseries_startsWeeksOnMonday_clipsToTheRange_andWritesMoneyAsStrings() {
    JsonNode t =
        ok("/api/v1/timeseries?metric=revenue&interval=week&from=2026-11-01&to=2026-11-10");
    assertThat(t.path("unit").asText()).isEqualTo("money");
    assertThat(t.path("currency").asText()).isEqualTo("USD");
    assertThat(t.path("points")).hasSize(3);
    assertThat(t.at("/points/0/start").asText()).isEqualTo("2026-11-01");
    assertThat(t.at("/points/1/start").asText()).isEqualTo("2026-11-02");
    assertThat(t.at("/points/2/start").asText()).isEqualTo("2026-11-09");
    assertThat(t.at("/points/1/value").isTextual()).isTrue();
    assertThat(t.at("/points/1/value").asText()).isEqualTo("12.50");
    assertThat(t.at("/points/2/value").asText()).isEqualTo("5.00");
  }

  @Test
  void derivedMetrics_followTheirDefinitions() {
    assertThat(
            ok("/api/v1/timeseries?metric=netRevenue&from=2026-11-02&to=2026-11-02")
                .at("/points/0/value")
                .asText())
        .isEqualTo("10.00");
    assertThat(
            ok("/api/v1/timeseries?metric=averageOrderValue&interval=month&from=2026-11-01&to=2026-11-30")
                .at("/points/0/value")
                .asText())
        .isEqualTo("8.75");
    JsonNode conv = ok("/api/v1/timeseries?metric=conversionRate&from=2026-11-02&to=2026-11-02");
    assertThat(conv.path("unit").asText()).isEqualTo("ratio");
    assertThat(conv.at("/points/0/value").asDouble()).isEqualTo(0.25);
    assertThat(
            ok("/api/v1/timeseries?metric=visitors&from=2026-11-02&to=2026-11-02")
                .at("/points/0/value")
                .asLong())
        .as("a day's visitors: the exact daily counter")
        .isEqualTo(4);
    assertThat(
            ok("/api/v1/timeseries?metric=visitors&interval=month&from=2026-11-01&to=2026-11-30")
                .at("/points/0/value")
                .asLong())
        .as("a month's visitors: the sketch union")
        .isEqualTo(5);
    JsonNode days = ok("/api/v1/timeseries?metric=events&from=2026-11-01&to=2026-11-03");
    assertThat(days.path("points")).hasSize(3);
    assertThat(days.at("/points/0/value").asLong()).isZero();
    assertThat(days.at("/points/1/value").asLong()).isEqualTo(12);
  }

  @Test
  void topProducts_rankByTheChosenCounter_overTheWholeRange() {
    JsonNode byRevenue = ok("/api/v1/products/top?from=2026-11-01&to=2026-11-15&by=revenue");
    assertThat(byRevenue.at("/products/0/productId").asText()).isEqualTo("p1");
    assertThat(byRevenue.at("/products/0/revenue").asText()).isEqualTo("15.00");
    assertThat(byRevenue.at("/products/0/views").asLong()).isEqualTo(6);
    assertThat(byRevenue.at("/products/0/units").asLong()).isEqualTo(2);
    JsonNode byViews = ok("/api/v1/products/top?from=2026-11-01&to=2026-11-15&by=views&limit=1");
    assertThat(byViews.path("products")).hasSize(1);
    assertThat(byViews.at("/products/0/productId").asText()).isEqualTo("p2");
    assertThat(byViews.at("/products/0/revenue").asText()).isEqualTo("0.00");
  }

  @Test
  void topProducts_carryTheCatalogsNameAndImage_andTheViewToCartAndCartToPurchaseRates() {
    table.write(
        List.of(
            dev.tally.core.item.ItemWrite.put(
                dev.tally.core.item.Item.of(
                    dev.tally.core.item.ItemKey.of(
                        MetricKeys.catalogPk("shop"), MetricKeys.catalogSk("p1")),
                    Map.of(
                        MetricKeys.NAME,
                        dev.tally.core.item.AttrValue.str("Harbour at dusk"),
                        MetricKeys.IMAGE_URL,
                        dev.tally.core.item.AttrValue.str("https://img.example/p1.png"))),
                dev.tally.core.item.Condition.NONE)));
    JsonNode top = ok("/api/v1/products/top?from=2026-11-01&to=2026-11-15&by=revenue");
    JsonNode p1 = top.at("/products/0");
    assertThat(p1.path("name").asText()).isEqualTo("Harbour at dusk");
    assertThat(p1.path("imageUrl").asText()).isEqualTo("https://img.example/p1.png");
    long views = p1.path("views").asLong();
    long adds = p1.path("adds").asLong();
    long units = p1.path("units").asLong();
    if (views > 0) {
      assertThat(p1.path("viewToCart").asDouble()).isEqualTo((double) adds / views);
    }
    if (adds > 0) {
      assertThat(p1.path("cartToPurchase").asDouble()).isEqualTo((double) units / adds);
    } else {
      assertThat(p1.path("cartToPurchase").isNull()).isTrue();
    }
    // A product no event named has no name: the dashboard shows its id.
    JsonNode p2 = top.at("/products/1");
    assertThat(p2.path("name").isNull()).isTrue();
    assertThat(p2.path("imageUrl").isNull()).isTrue();
  }

  @Test
  void summary_comparesWithThePreviousPeriodOfEqualLength() {
    JsonNode s = ok("/api/v1/summary?from=2026-11-09&to=2026-11-15");
    assertThat(s.path("previousFrom").asText()).isEqualTo("2026-11-02");
    assertThat(s.path("previousTo").asText()).isEqualTo("2026-11-08");
    assertThat(s.at("/tiles/revenue/value").asText()).isEqualTo("5.00");
    assertThat(s.at("/tiles/revenue/previous").asText()).isEqualTo("12.50");
    assertThat(s.at("/tiles/revenue/change").asDouble()).isEqualTo(-0.6);
    assertThat(s.at("/tiles/ordersCompleted/change").asDouble()).isEqualTo(0.0);
    assertThat(s.at("/tiles/averageOrderValue/value").asText()).isEqualTo("5.00");
    assertThat(s.at("/tiles/visitors/value").asLong()).isEqualTo(2);
    assertThat(s.at("/tiles/visitors/previous").asLong()).isEqualTo(4);
    assertThat(s.at("/tiles/conversionRate/value").asDouble()).isEqualTo(0.5);
    assertThat(s.at("/tiles/conversionRate/change").asDouble()).isEqualTo(1.0);
    JsonNode first = ok("/api/v1/summary?from=2026-11-02&to=2026-11-02");
    assertThat(first.at("/tiles/revenue/change").isNull()).as("no previous revenue").isTrue();
  }

  @Test
  void summary_oldTileNames_areAliasesOfTheTimeSeriesNames_forOneRelease() {
    JsonNode t = ok("/api/v1/summary?from=2026-11-09&to=2026-11-15").path("tiles");
    assertThat(t.path("orders")).isEqualTo(t.path("ordersCompleted"));
    assertThat(t.path("aov")).isEqualTo(t.path("averageOrderValue"));
    assertThat(t.path("conversion")).isEqualTo(t.path("conversionRate"));
  }

  @Test
  void summary_ofAnEmptyRange_hasNoAverageOrConversion_andNoChange() {
    JsonNode t = ok("/api/v1/summary?from=2020-01-01&to=2020-01-07").path("tiles");
    assertThat(t.at("/ordersCompleted/value").asLong()).isZero();
    assertThat(t.at("/averageOrderValue/value").isNull()).as("average of no orders").isTrue();
    assertThat(t.at("/averageOrderValue/previous").isNull()).isTrue();
    assertThat(t.at("/conversionRate/value").isNull()).as("conversion of no visitors").isTrue();
    for (String tile : List.of("revenue", "ordersCompleted", "visitors", "conversionRate")) {
      assertThat(t.at("/" + tile + "/change").isNull()).as(tile).isTrue();
    }
  }

  /** Acquisition of one day, as the writer keeps it. */
  private void acquisition(LocalDate day, String sk, Map<String, Long> attrs) {
    table.putNumbers(MetricKeys.acquisitionDayPk("shop", day), sk, attrs);
  }

  private void someAcquisition() {
    String source = MetricKeys.dimensionSk(dev.tally.core.agg.Touch.Dimension.SOURCE);
    acquisition(
        MON,
        source,
        Map.of(
            "sessions:google / organic", 3L,
            "orders:google / organic", 1L,
            "revenue:google / organic", 1250L,
            "sessions:(direct) / (none)", 2L,
            "sessions:gone / referral", 0L));
    acquisition(NEXT_MON, source, Map.of("sessions:(direct) / (none)", 4L));
    acquisition(MON, MetricKeys.TOTAL_SK, Map.of("sessions", 5L, "newVisitors", 3L));
    acquisition(NEXT_MON, MetricKeys.TOTAL_SK, Map.of("sessions", 4L, "newVisitors", 1L));
    // "a" visited on both Mondays: returning on the second.
    table.putBytes(
        MetricKeys.sketchPk("shop", MetricKeys.RETURNING),
        MetricKeys.daySk(NEXT_MON),
        MetricKeys.HLL,
        DistinctSketch.add(null, List.of("a")));
  }

  @Test
  void acquisition_sumsTheRangesDays_ranksBySessions_andLeavesOutZeroRows() {
    someAcquisition();
    JsonNode a = ok("/api/v1/acquisition?from=" + MON + "&to=" + NEXT_MON);
    assertThat(a.path("by").asText()).isEqualTo("source");
    assertThat(a.path("rows")).hasSize(2);
    assertThat(a.at("/rows/0/value").asText()).isEqualTo("(direct) / (none)");
    assertThat(a.at("/rows/0/sessions").asLong()).isEqualTo(6);
    assertThat(a.at("/rows/0/revenue").asText()).isEqualTo("0.00");
    assertThat(a.at("/rows/1/value").asText()).isEqualTo("google / organic");
    assertThat(a.at("/rows/1/ordersCompleted").asLong()).isEqualTo(1);
    assertThat(a.at("/rows/1/revenue").asText()).isEqualTo("12.50");
    assertThat(a.at("/rows/1/conversionRate").asDouble()).isEqualTo(1.0 / 3);
    assertThat(a.at("/totals/sessions").asLong()).isEqualTo(9);
    assertThat(ok("/api/v1/acquisition?from=" + MON + "&to=" + NEXT_MON + "&limit=1").path("rows"))
        .hasSize(1);
    JsonNode empty = ok("/api/v1/acquisition?by=campaign&from=" + MON + "&to=" + NEXT_MON);
    assertThat(empty.path("rows")).isEmpty();
    assertThat(empty.at("/totals/conversionRate").isNull()).isTrue();
    assertBad("/api/v1/acquisition?by=country&from=2026-11-01&to=2026-11-02", "by 'country'");
  }

  @Test
  void sessionsAndNewAndReturningVisitors_areTilesAndTimeSeries() {
    someAcquisition();
    JsonNode tiles = ok("/api/v1/summary?from=" + MON + "&to=" + NEXT_MON).path("tiles");
    assertThat(tiles.at("/sessions/value").asLong()).isEqualTo(9);
    assertThat(tiles.at("/newVisitors/value").asLong()).isEqualTo(4);
    // Only "a" came back after its first day.
    assertThat(tiles.at("/returningVisitors/value").asLong()).isEqualTo(1);
    assertThat(
            ok("/api/v1/timeseries?metric=returningVisitors&interval=month&from="
                    + MON
                    + "&to="
                    + NEXT_MON)
                .at("/points/0/value")
                .asLong())
        .isEqualTo(1);
    JsonNode days =
        ok("/api/v1/timeseries?metric=sessions&from=" + MON + "&to=" + NEXT_MON).path("points");
    assertThat(days.get(0).path("value").asLong()).isEqualTo(5);
    assertThat(days.get(7).path("value").asLong()).isEqualTo(4);
    JsonNode returning =
        ok("/api/v1/timeseries?metric=returningVisitors&from=" + MON + "&to=" + NEXT_MON)
            .path("points");
    // Monday: 4 visitors (shards), 3 new; next Monday: 2 visitors, 1 new.
    assertThat(returning.get(0).path("value").asLong()).isEqualTo(1);
    assertThat(returning.get(7).path("value").asLong()).isEqualTo(1);
  }

  @Test
  void badParameters_get400sThatNameTheProblem_beforeAnyTableRead() {
    table.queries = 0;
    assertBad("/api/v1/funnel?to=2026-11-01", "from is required");
    assertBad("/api/v1/funnel?from=2026-11-31&to=2026-12-01", "from '2026-11-31' is not a date");
    assertBad("/api/v1/funnel?from=2026-11-05&to=2026-11-01", "is after to");
    assertBad("/api/v1/summary?from=2025-01-01&to=2026-01-02", "at most 366");
    assertBad("/api/v1/products/top?from=2026-11-01&to=2026-11-02&limit=0", "limit '0'");
    assertBad("/api/v1/products/top?from=2026-11-01&to=2026-11-02&limit=101", "from 1 to 100");
    assertBad("/api/v1/products/top?from=2026-11-01&to=2026-11-02&limit=ten", "limit 'ten'");
    assertBad("/api/v1/products/top?from=2026-11-01&to=2026-11-02&by=price", "by 'price'");
    assertBad(
        "/api/v1/timeseries?metric=bogus&from=2026-11-01&to=2026-11-02",
        "metric 'bogus' is unknown");
    assertBad("/api/v1/timeseries?from=2026-11-01&to=2026-11-02", "metric is required");
    assertBad(
        "/api/v1/timeseries?metric=events&interval=year&from=2026-11-01&to=2026-11-02",
        "interval 'year'");
    assertThat(table.queries).isZero();
  }

  private void assertBad(String pathAndQuery, String message) {
    QueryResponse r = get(pathAndQuery, READ);
    assertThat(r.status()).as(pathAndQuery).isEqualTo(400);
    assertThat(r.body().path("message").asText()).contains(message);
  }

  @Test
  void keys_missingUnknownOrWrite_get401_andOpenApiNeedsNone() {
    QueryResponse none = get("/api/v1/store", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.headers()).containsKey("WWW-Authenticate");
    assertThat(get("/api/v1/funnel?from=2026-11-01&to=2026-11-02", "rk_nope").status())
        .isEqualTo(401);
    assertThat(get("/api/v1/funnel?from=2026-11-01&to=2026-11-02", "wk_shop").status())
        .isEqualTo(401);
    QueryResponse doc = get("/api/v1/openapi.json", null);
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.body().path("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void aStoreParameterForAnotherStore_gets404_wordedTheSameWhetherOrNotItExists() {
    QueryResponse existing = get("/api/v1/funnel?from=2026-11-01&to=2026-11-02&store=other", READ);
    QueryResponse missing = get("/api/v1/funnel?from=2026-11-01&to=2026-11-02&store=ghost", READ);
    assertThat(existing.status()).isEqualTo(404);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(existing.body().path("message").asText().replace("other", "X"))
        .isEqualTo(missing.body().path("message").asText().replace("ghost", "X"));
    assertThat(get("/api/v1/store?store=shop", READ).status()).isEqualTo(200);
  }

  @Test
  void eachReadKey_isRateLimited_with429AndRetryAfter() {
    service = new QueryService(stores, new MetricsReader(table), new QueryConfig(4, 1, 5));
    for (int i = 0; i < 5; i++) {
      assertThat(get("/api/v1/store", READ).status()).isEqualTo(200);
    }
    QueryResponse limited = get("/api/v1/store", READ);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers().get("Retry-After")).matches("[1-9][0-9]*");
    assertThat(get("/api/v1/store", "rk_other").status())
        .as("another key has its own bucket")
        .isEqualTo(200);
  }

  @Test
  void unknownPaths_get404() {
    assertThat(get("/api/v1/nope", READ).status()).isEqualTo(404);
    assertThat(
            service
                .handle(new QueryRequest("POST", "/api/v1/store", Map.of(), "Bearer " + READ))
                .status())
        .isEqualTo(404);
  }

  /** Product counters as the bucket items store them: one "counter:productId" attribute each. */
  private static Map<String, Long> products(String productId, Map<String, Long> counters) {
    Map<String, Long> out = new java.util.HashMap<>();
    counters.forEach((c, v) -> out.put(MetricKeys.productAttribute(c, productId), v));
    return out;
  }
}
