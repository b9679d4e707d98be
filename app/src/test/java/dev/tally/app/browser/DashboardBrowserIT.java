package dev.tally.app.browser;

import static dev.tally.app.browser.BrowserSupport.api;
import static dev.tally.app.browser.BrowserSupport.openDashboard;
import static dev.tally.app.browser.BrowserSupport.range;
import static dev.tally.app.browser.BrowserSupport.raw;
import static dev.tally.app.browser.BrowserSupport.screenshot;
import static dev.tally.app.browser.BrowserSupport.today;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.core.sim.Workload;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6 acceptance: the merchant dashboards in headless Chromium against the real local stack,
 * seeded through the real HTTP ingest. Every number the page shows is compared with what the query
 * API answers for the same range.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
  static BrowserSupport.Session session;
  static EmbeddedStack stack;
  static TallyClient client;
  static Browser browser;
  static String knownUser;
  static final java.util.Set<String> MONEY_FIELDS =
      java.util.Set.of("revenue", "refunds", "netRevenue", "averageOrderValue");

  /** The summary's KPI tiles by their current names, in the order the API gives them. */
  static final List<String> TILES =
      List.of(
          "revenue",
          "ordersCompleted",
          "averageOrderValue",
          "visitors",
          "conversionRate",
          "sessions",
          "newVisitors",
          "returningVisitors");

  BrowserContext context;
  BrowserSupport.ConsoleErrors console;

  @BeforeAll
  static void start() throws Exception {
    // Four weeks of shopping, so that 7 and 30 days differ.
    List<ObjectNode> events = new Workload(11, 80, 24, 28, 2_500, today()).generate();
    // Page URLs with UTM parameters, referrers and user agents, as browsers send them.
    dev.tally.testkit.metrics.Events.addTouches(new java.util.Random(11), events);
    session = BrowserSupport.Session.start(events);
    stack = session.stack();
    client = session.client();
    browser = session.browser();
    knownUser =
        events.stream()
            .filter(e -> e.hasNonNull("userId"))
            .map(e -> e.get("userId").asText())
            .findFirst()
            .orElseThrow();
    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
  }

  @AfterAll
  static void stop() {
    if (session != null) {
      session.close();
    }
  }

  @BeforeEach
  void openContext() {
    context = BrowserSupport.desktop(browser);
    console = new BrowserSupport.ConsoleErrors();
    console.watch(context);
  }

  @AfterEach
  void noConsoleErrors() {
    context.close();
    assertThat(console.unexpected()).as("console errors and uncaught exceptions").isEmpty();
  }

  @Test
  @Order(1)
  void funnelCounts_equalTheQueryApi_inBothModes() {
    Page page = openDashboard(context, stack.baseUri(), "view=funnel");
    JsonNode funnel = api(client, "/api/v1/funnel?" + range(today().minusDays(29), today()));
    assertThat(funnel.path("steps").size()).isEqualTo(5);
    assertThat(funnel.at("/steps/0/users").asLong()).as("visitors seeded").isPositive();

    for (JsonNode step : funnel.path("steps")) {
      assertSameNumber(raw(page, "funnel-count-" + step.path("step").asText()), step.path("users"));
    }

    page.click("[data-testid=funnel-mode-userdays]");
    page.waitForSelector("[data-testid=funnel-chart][data-mode=userDays]");
    for (JsonNode step : funnel.path("steps")) {
      assertSameNumber(
          raw(page, "funnel-count-" + step.path("step").asText()), step.path("userDays"));
    }
    assertThat(page.url()).contains("funnel=userDays");
  }

  @Test
  @Order(2)
  void changingTheDateRange_changesTheChartsAndTiles() {
    LocalDate today = today();
    JsonNode month = api(client, "/api/v1/summary?" + range(today.minusDays(29), today));
    JsonNode week = api(client, "/api/v1/summary?" + range(today.minusDays(6), today));
    assertThat(week.at("/tiles/revenue/value").asText())
        .isNotEqualTo(month.at("/tiles/revenue/value").asText());

    Page page = openDashboard(context, stack.baseUri(), "");
    Locator chart = page.locator("[data-testid=timeseries-chart]");
    PlaywrightAssertions.assertThat(chart).hasAttribute("data-points", "30");
    PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-revenue-value]"))
        .hasAttribute("data-raw", month.at("/tiles/revenue/value").asText());
    String monthPath = chart.locator("path.series-line").getAttribute("d");
    // The range ends today: today's point is marked as still filling up.
    PlaywrightAssertions.assertThat(chart.locator("[data-testid=timeseries-partial]")).hasCount(1);
    PlaywrightAssertions.assertThat(page.locator("#timeseries-caption")).containsText("so far");
    // The previous 30 days are drawn beside them, dashed, bucket for bucket.
    PlaywrightAssertions.assertThat(chart.locator("[data-testid=timeseries-previous]"))
        .hasAttribute("data-points", "30");
    PlaywrightAssertions.assertThat(page.locator("[data-testid=timeseries-legend]"))
        .containsText("previous period");

    page.click("[data-testid=range-preset-7d]");
    PlaywrightAssertions.assertThat(chart).hasAttribute("data-points", "7");
    PlaywrightAssertions.assertThat(page.locator("[data-testid=range-preset-7d]"))
        .hasAttribute("aria-pressed", "true");
    PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-revenue-value]"))
        .hasAttribute("data-raw", week.at("/tiles/revenue/value").asText());
    PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-ordersCompleted-value]"))
        .hasAttribute("data-raw", week.at("/tiles/ordersCompleted/value").asText());
    assertThat(chart.locator("path.series-line").getAttribute("d")).isNotEqualTo(monthPath);
    assertThat(page.url()).contains("range=7d");

    // A custom range of three days, typed into the date inputs.
    page.fill("[data-testid=range-from]", today.minusDays(3).toString());
    page.fill("[data-testid=range-to]", today.minusDays(1).toString());
    page.click("[data-testid=range-apply]");
    PlaywrightAssertions.assertThat(chart).hasAttribute("data-points", "3");
    // A range that ended yesterday is complete: nothing is marked partial.
    PlaywrightAssertions.assertThat(chart.locator("[data-testid=timeseries-partial]")).hasCount(0);
    JsonNode custom =
        api(client, "/api/v1/summary?" + range(today.minusDays(3), today.minusDays(1)));
    PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-revenue-value]"))
        .hasAttribute("data-raw", custom.at("/tiles/revenue/value").asText());
  }

  @Test
  @Order(2)
  void aRangeWithoutData_showsDashesNotZeroDerivedRates_andNoNewBadges() {
    Page page = openDashboard(context, stack.baseUri(), "");
    page.fill("[data-testid=range-from]", "2020-01-01");
    page.fill("[data-testid=range-to]", "2020-01-07");
    page.click("[data-testid=range-apply]");
    PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-ordersCompleted-value]"))
        .hasText("0");
    for (String tile : List.of("averageOrderValue", "conversionRate")) {
      PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-" + tile + "-value]"))
          .hasText("—");
    }
    for (String tile : TILES) {
      PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-" + tile + "-change]"))
          .hasText("—");
    }
    page.click("[data-testid=view-link-sources]");
    PlaywrightAssertions.assertThat(
            page.locator("[data-testid=view-sources] [data-testid=empty-state]"))
        .isVisible();
  }

  @Test
  @Order(4)
  void sourcesView_equalsTheQueryApi_forEachDimension_andTheTilesShowSessions() {
    Page page = openDashboard(context, stack.baseUri(), "view=sources");
    String r = range(today().minusDays(29), today());
    JsonNode tiles = api(client, "/api/v1/summary?" + r).path("tiles");
    for (String tile : List.of("sessions", "newVisitors", "returningVisitors")) {
      assertSameNumber(raw(page, "kpi-" + tile + "-value"), tiles.path(tile).path("value"));
    }
    assertThat(tiles.at("/sessions/value").asLong()).as("sessions seeded").isPositive();
    for (String dim : List.of("source", "campaign", "landingPage", "device")) {
      if (!dim.equals("source")) {
        page.click("[data-testid=sources-dim-" + dim + "]");
      }
      page.waitForURL(u -> dim.equals("source") || u.contains("dim=" + dim));
      page.waitForSelector("[data-testid=view-sources] .view-body[data-state=ready]");
      JsonNode a = api(client, "/api/v1/acquisition?by=" + dim + "&limit=20&" + r);
      assertThat(a.path("rows").size()).as(dim).isPositive();
      PlaywrightAssertions.assertThat(page.locator("[data-testid=source-row]"))
          .hasCount(a.path("rows").size());
      List<String> shown = page.locator("[data-testid=source-value]").allTextContents();
      List<String> expected = new java.util.ArrayList<>();
      a.path("rows").forEach(row -> expected.add(row.path("value").asText()));
      assertThat(shown).as(dim).isEqualTo(expected);
      Locator rows = page.locator("[data-testid=source-row]");
      for (int i = 0; i < a.path("rows").size(); i++) {
        JsonNode row = a.path("rows").get(i);
        for (String[] f :
            new String[][] {
              {"sessions", "sessions"},
              {"orders", "ordersCompleted"},
              {"revenue", "revenue"},
              {"conversion", "conversionRate"}
            }) {
          assertSameNumber(
              rows.nth(i).locator("[data-testid=source-" + f[0] + "]").getAttribute("data-raw"),
              row.path(f[1]));
        }
      }
      assertSameNumber(
          page.locator("[data-testid=source-totals] [data-testid=source-sessions]")
              .getAttribute("data-raw"),
          a.at("/totals/sessions"));
    }
  }

  @Test
  @Order(3)
  void topProductsTable_equalsTheQueryApi_forEachRanking() {
    Page page = openDashboard(context, stack.baseUri(), "view=products");
    for (String by : List.of("revenue", "views", "adds")) {
      if (!by.equals("revenue")) { // revenue is the page's default ranking
        page.click("[data-testid=products-sort-" + by + "]");
      }
      page.waitForSelector("[data-testid=top-products-table][data-by=" + by + "]");
      JsonNode top =
          api(
              client,
              "/api/v1/products/top?"
                  + range(today().minusDays(29), today())
                  + "&by="
                  + by
                  + "&limit=10");
      assertThat(top.path("products").size()).isPositive();
      List<String> shownIds =
          page.locator("[data-testid=top-products-table] [data-testid=product-id]")
              .allTextContents();
      List<String> apiIds = new java.util.ArrayList<>();
      top.path("products").forEach(p -> apiIds.add(p.path("productId").asText()));
      assertThat(shownIds).as("products ranked by %s, in order", by).isEqualTo(apiIds);
      for (JsonNode p : top.path("products")) {
        Locator row =
            page.locator("[data-testid=product-row-" + p.path("productId").asText() + "]");
        for (String field : List.of("views", "adds", "units", "revenue")) {
          assertSameNumber(
              row.locator("[data-testid=product-" + field + "]").getAttribute("data-raw"),
              p.path(field));
        }
      }
    }
  }

  @Test
  @Order(4)
  void customerDrillDown_showsAKnownUsersTotals() {
    Page page = openDashboard(context, stack.baseUri(), "view=customer");
    lookUp(page, knownUser);
    JsonNode m =
        api(
            client,
            "/api/v1/users/" + knownUser + "/metrics?" + range(today().minusDays(29), today()));
    assertThat(page.textContent("[data-testid=user-uid]")).isEqualTo(knownUser);
    int shown = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = m.path("totals").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> total = it.next();
      if (!total.getValue().isNumber() && !MONEY_FIELDS.contains(total.getKey())) {
        continue; // the page shows counts and money only (dashboards/README.md)
      }
      Locator cell = page.locator("[data-testid=user-total-" + total.getKey() + "]");
      if (total.getKey().equals("events")
          || BrowserSupport.decimal(total.getValue()).signum() != 0) {
        assertSameNumber(cell.getAttribute("data-raw"), total.getValue());
        shown++;
      } else {
        assertThat(cell.count()).as("zero field %s is left out", total.getKey()).isZero();
      }
    }
    assertThat(shown).isGreaterThan(1);
    // The table lists the days the person was active, not the zero days the API also returns.
    long activeDays = 0;
    for (JsonNode d : m.path("days")) {
      activeDays += d.path("events").asLong() > 0 ? 1 : 0;
    }
    assertThat(activeDays).isPositive();
    assertThat(page.locator("[data-testid=user-days-table] tbody tr").count())
        .isEqualTo(activeDays);
    for (JsonNode linked : m.path("linkedIds")) {
      assertThat(page.textContent("[data-testid=user-linked-ids]")).contains(linked.asText());
    }
  }

  @Test
  @Order(4)
  void customersTable_equalsTheQueryApi_recentTopAndSearch_andARowOpensTheDrillDown() {
    String r = range(today().minusDays(29), today());
    Page page = openDashboard(context, stack.baseUri(), "view=customers");
    String first = null;
    for (String sort : List.of("recent", "top")) {
      if (!sort.equals("recent")) { // recent is the view's default
        page.click("[data-testid=customers-sort-" + sort + "]");
      }
      page.waitForSelector("[data-testid=customers-table][data-sort=" + sort + "]");
      JsonNode list = api(client, "/api/v1/customers?sort=" + sort + "&limit=20&" + r);
      assertThat(list.path("customers").size()).as("customers seeded").isGreaterThan(1);
      assertSameCustomers(page, list, true);
      first = list.at("/customers/0/uid").asText();
    }
    assertThat(page.url()).contains("csort=top");

    // A search by the start of an id lists every customer whose id starts with it.
    String prefix = first.substring(0, Math.min(first.length(), 7));
    page.fill("[data-testid=customers-prefix]", prefix);
    page.click("[data-testid=customers-search-submit]");
    page.waitForSelector("[data-testid=customers-table][data-sort=prefix]");
    JsonNode found =
        api(
            client,
            "/api/v1/customers?limit=20&prefix="
                + java.net.URLEncoder.encode(prefix, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(found.path("customers").size()).isPositive();
    assertSameCustomers(page, found, false);

    // Selecting a row opens that person's drill-down.
    String uid = found.at("/customers/0/uid").asText();
    page.locator("[data-testid=customers-row][data-uid='" + uid + "'] [data-testid=customer-uid]")
        .click();
    page.waitForSelector("[data-testid=user-result][data-uid='" + uid + "']");
    assertThat(page.url()).contains("view=customer&").contains("user=");
    PlaywrightAssertions.assertThat(page.locator("[data-testid=user-uid]")).hasText(uid);
  }

  @Test
  @Order(4)
  void customers_ofARangeWithoutOrders_showADash() {
    Page page =
        openDashboard(context, stack.baseUri(), "view=customers&from=2020-01-01&to=2020-01-07");
    JsonNode none =
        api(
            client,
            "/api/v1/customers?" + range(LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 7)));
    assertThat(none.path("customers").size()).isZero();
    PlaywrightAssertions.assertThat(page.locator("[data-testid=customers-empty]")).hasText("—");
    PlaywrightAssertions.assertThat(
            page.locator("[data-testid=view-customers] .view-body[data-state=empty]"))
        .hasCount(1);
    PlaywrightAssertions.assertThat(page.locator("[data-testid=customers-table]")).hasCount(0);
  }

  /** The table's rows are the API's customers, in order, with the API's exact figures. */
  private static void assertSameCustomers(Page page, JsonNode list, boolean range) {
    @SuppressWarnings("unchecked")
    List<String> shown =
        (List<String>)
            page.locator("[data-testid=customers-table] [data-testid=customers-row]")
                .evaluateAll("rows => rows.map(r => r.dataset.uid)");
    List<String> expected = new java.util.ArrayList<>();
    list.path("customers").forEach(c -> expected.add(c.path("uid").asText()));
    assertThat(shown).isEqualTo(expected);
    for (JsonNode c : list.path("customers")) {
      Locator row =
          page.locator("[data-testid=customers-row][data-uid='" + c.path("uid").asText() + "']");
      List<String> fields =
          range
              ? List.of("ordersCompleted", "revenue", "rangeOrdersCompleted", "rangeRevenue")
              : List.of("ordersCompleted", "revenue");
      for (String field : fields) {
        assertSameNumber(
            row.locator("[data-testid=customer-" + field + "]").getAttribute("data-raw"),
            c.path(field));
      }
      for (String field : List.of("firstSeen", "lastSeen")) {
        assertThat(row.locator("[data-testid=customer-" + field + "]").getAttribute("data-raw"))
            .isEqualTo(c.path(field).isNull() ? "" : c.path(field).asText());
      }
    }
  }

  @Test
  @Order(5)
  void wrongReadKey_showsAClearErrorAndNoNumbers() {
    // The refused key is checked with GET /api/v1/store, which answers 401 on purpose here, and
    // Chromium logs every 4xx resource load as a console error. That one line is expected; any
    // other console error still fails the test.
    console.expect(
        "Failed to load resource: the server responded with a status of 401.* @ .*/api/v1/store");
    Page page = context.newPage();
    page.navigate(stack.baseUri().resolve("/dashboards/").toString());
    page.waitForSelector("[data-testid=app][data-state=signin]");
    page.fill(
        "[data-testid=signin-key]", DemoStore.WRITE_KEY); // a write key is the classic mistake
    page.click("[data-testid=signin-submit]");

    PlaywrightAssertions.assertThat(page.locator("[data-testid=signin-error]"))
        .containsText("This read key was not accepted — check");
    PlaywrightAssertions.assertThat(page.locator("[data-testid=app]"))
        .hasAttribute("data-state", "signin");
    assertThat(page.isVisible("[data-testid=dashboard]")).isFalse();
    assertThat(page.evaluate("sessionStorage.getItem('tally.readKey')")).isNull();
    assertThat(page.url()).doesNotContain(DemoStore.WRITE_KEY);
    assertThat(console.all()).hasSize(1);
  }

  @Test
  @Order(6)
  void screenshots_ofEveryView_atDesktopAndPhoneWidth() {
    String month = "/api/v1/funnel?" + range(today().minusDays(29), today());
    JsonNode before = api(client, month);
    try (BrowserContext phone = BrowserSupport.phone(browser)) {
      console.watch(phone);
      for (BrowserContext ctx : List.of(context, phone)) {
        String size = ctx == context ? "desktop" : "phone";
        Page page = openDashboard(ctx, stack.baseUri(), "");
        screenshot(page, "dashboard-kpis-trends-" + size);
        for (String view : List.of("funnel", "products", "sources", "customers")) {
          page.click("[data-testid=view-link-" + view + "]");
          BrowserSupport.waitForDashboard(page);
          page.waitForSelector("[data-testid=view-" + view + "] .view-body[data-state=ready]");
          screenshot(page, "dashboard-" + view + "-" + size);
        }
        page.click("[data-testid=view-link-customer]");
        lookUp(page, knownUser);
        screenshot(page, "dashboard-customer-" + size);
        assertNoSidewaysScroll(page, size);

        // The store, with its tracking calls answered here (fetch stubbed, beacons refused, so
        // the SDK keeps them in this throw-away context): the screenshots add no visitors.
        ctx.addInitScript("navigator.sendBeacon = () => false;");
        ctx.route(
            "**/v1/batch",
            r ->
                r.fulfill(
                    new com.microsoft.playwright.Route.FulfillOptions()
                        .setStatus(200)
                        .setContentType("application/json")
                        .setBody("{\"success\":true}")));
        Page store = ctx.newPage();
        store.navigate(stack.baseUri().resolve("/store/index.html").toString());
        store.waitForSelector("#products li.card");
        store.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
        screenshot(store, "store-catalog-" + size);
        store.navigate(stack.baseUri().resolve("/store/product.html?id=night-garden").toString());
        store.waitForSelector("#product:not([hidden])");
        screenshot(store, "store-product-" + size);
        assertNoSidewaysScroll(store, size);
      }
    }
    assertThat(BrowserSupport.SCREENSHOTS.resolve("dashboard-kpis-trends-desktop.png"))
        .isRegularFile();
    stack.drain(Duration.ofSeconds(10));
    assertThat(api(client, month)).as("the screenshots added no visitors").isEqualTo(before);
  }

  @Test
  @Order(9)
  void csvDownload_ofEachView_holdsTheApisNumbers_rowForRow() throws Exception {
    String r = range(today().minusDays(29), today());
    record View(String panel, String query, String api, String rows, String key) {}
    List<View> views =
        List.of(
            new View("kpis", "", "/api/v1/summary?" + r, "tiles", null),
            new View(
                "trends",
                "view=trends&metric=revenue&interval=week",
                "/api/v1/timeseries?metric=revenue&interval=week&" + r,
                "points",
                "start"),
            new View("funnel", "view=funnel", "/api/v1/funnel?" + r, "steps", "step"),
            new View(
                "products",
                "view=products&by=units",
                "/api/v1/products/top?by=units&limit=10&" + r,
                "products",
                "productId"),
            new View(
                "sources",
                "view=sources&dim=campaign",
                "/api/v1/acquisition?by=campaign&limit=20&" + r,
                "rows",
                "value"),
            new View(
                "customers",
                "view=customers&csort=top",
                "/api/v1/customers?sort=top&limit=20&" + r,
                "customers",
                "uid"));
    for (View v : views) {
      Page page = openDashboard(context, stack.baseUri(), v.query());
      com.microsoft.playwright.Download download =
          page.waitForDownload(() -> page.click("[data-testid=csv-" + v.panel() + "]"));
      assertThat(download.suggestedFilename()).startsWith("tally_demo_").endsWith(".csv");
      String csv = java.nio.file.Files.readString(download.path());
      List<String> lines = csv.lines().toList();
      List<String> header = List.of(lines.get(0).split(",", -1));
      JsonNode json = api(client, v.api());
      // One CSV row per JSON row (tiles: the current names, not the deprecated aliases).
      List<Map.Entry<String, JsonNode>> rows = new java.util.ArrayList<>();
      if (v.rows().equals("tiles")) {
        for (String tile : TILES) {
          rows.add(Map.entry(tile, json.path("tiles").path(tile)));
        }
      } else {
        json.path(v.rows()).forEach(n -> rows.add(Map.entry(n.path(v.key()).asText(), n)));
      }
      assertThat(lines).as(v.panel()).hasSize(rows.size() + 1);
      for (int i = 0; i < rows.size(); i++) {
        List<String> cells = List.of(lines.get(i + 1).split(",", -1));
        JsonNode row = rows.get(i).getValue();
        if (v.rows().equals("tiles")) {
          assertThat(cells.get(header.indexOf("tile"))).isEqualTo(rows.get(i).getKey());
        }
        for (Iterator<Map.Entry<String, JsonNode>> f = row.fields(); f.hasNext(); ) {
          var field = f.next();
          if (!field.getValue().isValueNode()) {
            continue;
          }
          String expected = field.getValue().isNull() ? "" : field.getValue().asText();
          String shown = cells.get(header.indexOf(field.getKey()));
          if (field.getValue().isNumber() && !shown.isEmpty()) {
            assertThat(new BigDecimal(shown))
                .as("%s %s %s", v.panel(), rows.get(i).getKey(), field.getKey())
                .isEqualByComparingTo(new BigDecimal(expected));
          } else {
            assertThat(shown)
                .as("%s %s %s", v.panel(), rows.get(i).getKey(), field.getKey())
                .isEqualTo(expected);
          }
        }
      }
      page.close();
    }
  }

  private static void lookUp(Page page, String uid) {
    page.fill("[data-testid=user-id-input]", uid);
    page.click("[data-testid=user-submit]");
    page.waitForSelector("[data-testid=user-result][data-uid='" + uid + "']");
    page.waitForSelector("[data-testid=view-customer] .view-body[data-state=ready]");
  }

  private static void assertNoSidewaysScroll(Page page, String size) {
    Object overflow =
        page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertThat(((Number) overflow).intValue())
        .as("page wider than the %s viewport: %s", size, page.url())
        .isLessThanOrEqualTo(0);
  }

  private static void assertSameNumber(String shown, JsonNode api) {
    assertThat(shown).as("data-raw on the page").isNotNull().isNotEmpty();
    assertThat(new BigDecimal(shown))
        .as("page %s vs API %s", shown, api)
        .isEqualByComparingTo(BrowserSupport.decimal(api));
  }
}
