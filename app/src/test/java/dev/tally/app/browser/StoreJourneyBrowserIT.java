package dev.tally.app.browser;

import static dev.tally.app.browser.BrowserSupport.api;
import static dev.tally.app.browser.BrowserSupport.decimal;
import static dev.tally.app.browser.BrowserSupport.openDashboard;
import static dev.tally.app.browser.BrowserSupport.range;
import static dev.tally.app.browser.BrowserSupport.raw;
import static dev.tally.app.browser.BrowserSupport.screenshot;
import static dev.tally.app.browser.BrowserSupport.today;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.core.event.Json;
import dev.tally.core.sim.Workload;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 acceptance: an anonymous visitor browses the demo store in headless Chromium, signs in
 * and buys; the merchant then finds that visit in the funnel, the order in the revenue tile and the
 * person, with the anonymous browsing merged in, in the drill-down. A reload or a replayed beacon
 * changes nothing.
 */
class StoreJourneyBrowserIT {
  static final List<String> STEPS =
      List.of("visited", "viewedProduct", "addedToCart", "startedCheckout", "completedOrder");
  static final String SHOPPER = "ada-lovelace";

  static BrowserSupport.Session session;
  static EmbeddedStack stack;
  static TallyClient client;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    // Other shoppers first, so the walk is found among other numbers, not in an empty store.
    session = BrowserSupport.Session.start(new Workload(3, 30, 24, 7, 600, today()).generate());
    stack = session.stack();
    client = session.client();
    browser = session.browser();
  }

  @AfterAll
  static void stop() {
    if (session != null) {
      session.close();
    }
  }

  @Test
  void anonymousVisitWithSignInAndOrder_showsOnceInFunnelRevenueAndDrillDown_evenAfterReplay()
      throws Exception {
    BrowserSupport.ConsoleErrors console = new BrowserSupport.ConsoleErrors();
    try (BrowserContext merchant = BrowserSupport.desktop(browser);
        BrowserContext shopper = BrowserSupport.desktop(browser)) {
      console.watch(merchant);
      console.watch(shopper);

      // Before: the merchant's numbers, read from the page.
      Page dashboard = openDashboard(merchant, stack.baseUri(), "view=funnel");
      Map<String, Long> funnelBefore = funnelCounts(dashboard);
      BigDecimal revenueBefore = new BigDecimal(raw(dashboard, "kpi-revenue-value"));
      long ordersBefore = Long.parseLong(raw(dashboard, "kpi-ordersCompleted-value"));

      // The walk, through the real store pages. Every batch the SDK sends is kept for the replay.
      Page shop = shopper.newPage();
      List<String> sentBatches = new CopyOnWriteArrayList<>();
      shop.onRequest(
          r -> {
            if (r.method().equals("POST")
                && r.url().endsWith("/v1/batch")
                && r.postData() != null) {
              sentBatches.add(r.postData());
            }
          });
      shop.navigate(stack.baseUri().resolve("/store/index.html").toString());
      shop.waitForSelector("#products li.card");
      String anonymousId = (String) shop.evaluate("localStorage.getItem('tally.anonymousId')");
      assertThat(anonymousId).isNotBlank();

      List<String> products = List.of("night-garden", "paper-moons", "small-comet");
      for (int i = 0; i < products.size(); i++) {
        shop.click("a[href='product.html?id=" + products.get(i) + "']");
        shop.waitForSelector("#product:not([hidden])");
        if (i < 2) {
          shop.click("#add-button");
          shop.waitForSelector("#added .notice");
        }
        if (i == 0) {
          screenshot(shop, "store-journey-product-desktop");
        }
        shop.navigate(stack.baseUri().resolve("/store/index.html").toString());
        shop.waitForSelector("#products li.card");
      }

      shop.click("a[href='signin.html']");
      shop.fill("#name", SHOPPER);
      shop.click("#panel button[type=submit]");
      shop.waitForSelector("#heading:text('Signed in')");
      assertThat(shop.evaluate("localStorage.getItem('tally.anonymousId')")).isEqualTo(anonymousId);

      shop.click("a[href='cart.html']");
      shop.waitForSelector("#cart table");
      screenshot(shop, "store-journey-cart-desktop");
      shop.click("a[href='checkout.html']");
      shop.waitForSelector("#place");
      // The checkout page moves on to the confirmation as soon as the store answers 201, so the
      // order is read back from the store by the id in the confirmation URL.
      shop.click("#place");
      shop.waitForURL("**/store/confirmation.html?order=*");
      String orderId = shop.url().substring(shop.url().indexOf("order=") + "order=".length());
      var fetched =
          shopper.request().get(stack.baseUri().resolve("/store/api/orders/" + orderId).toString());
      assertThat(fetched.status()).isEqualTo(200);
      JsonNode order = Json.mapper().readTree(fetched.text());
      BigDecimal orderTotal = decimal(order.path("total"));
      assertThat(orderTotal).isPositive();
      assertThat(order.path("userId").asText()).isEqualTo(SHOPPER);
      assertThat(order.path("anonymousId").asText()).isEqualTo(anonymousId);
      shop.waitForSelector("#order .total");
      screenshot(shop, "store-journey-confirmation-desktop");

      // Flushed: the SDK empties its queue only after a 2xx from /v1/batch, then the server's
      // outbox relay reports the order. Wait for both to be aggregated.
      shop.waitForFunction(
          "() => JSON.parse(localStorage.getItem('tally.queue') || '[]').length === 0");
      String range30 = range(today().minusDays(29), today());
      JsonNode person =
          awaitApi(
              "/api/v1/users/" + SHOPPER + "/metrics?" + range30,
              m ->
                  m.at("/totals/ordersCompleted").asLong() == 1
                      && m.at("/totals/productViews").asLong() >= 3);

      // After: the same numbers, read from the page again.
      dashboard.reload();
      BrowserSupport.waitForDashboard(dashboard);
      Map<String, Long> funnelAfter = funnelCounts(dashboard);
      for (String step : STEPS) {
        assertThat(funnelAfter.get(step))
            .as("funnel step %s", step)
            .isEqualTo(funnelBefore.get(step) + 1);
      }
      BigDecimal revenueAfter = new BigDecimal(raw(dashboard, "kpi-revenue-value"));
      assertThat(revenueAfter.subtract(revenueBefore)).isEqualByComparingTo(orderTotal);
      assertThat(Long.parseLong(raw(dashboard, "kpi-ordersCompleted-value")))
          .isEqualTo(ordersBefore + 1);

      dashboard.click("[data-testid=view-link-customer]");
      dashboard.fill("[data-testid=user-id-input]", SHOPPER);
      dashboard.click("[data-testid=user-submit]");
      dashboard.waitForSelector("[data-testid=user-result][data-uid='" + SHOPPER + "']");
      assertThat(Long.parseLong(raw(dashboard, "user-total-productViews")))
          .isGreaterThanOrEqualTo(3);
      assertThat(Long.parseLong(raw(dashboard, "user-total-productsAdded"))).isEqualTo(2);
      assertThat(new BigDecimal(raw(dashboard, "user-total-revenue")))
          .isEqualByComparingTo(orderTotal);
      assertThat(dashboard.textContent("[data-testid=user-linked-ids]")).contains(anonymousId);
      assertThat(person.path("linkedIds").toString()).contains(anonymousId);
      screenshot(dashboard, "dashboard-customer-journey-desktop");

      // Replays: the SDK's own batches again, same messageIds, then a reload of the store page.
      assertThat(sentBatches).isNotEmpty();
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((DemoStore.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
      for (String body : sentBatches) {
        var r =
            shopper
                .request()
                .post(
                    stack.baseUri().resolve("/v1/batch").toString(),
                    RequestOptions.create()
                        .setHeader("Authorization", basic)
                        .setHeader("Content-Type", "application/json")
                        .setData(body));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
      }
      assertThat(stack.drain(Duration.ofSeconds(30))).isTrue();
      assertThat(api(client, "/api/v1/users/" + SHOPPER + "/metrics?" + range30).path("totals"))
          .isEqualTo(person.path("totals"));

      dashboard.navigate(stack.baseUri().resolve("/dashboards/?view=funnel").toString());
      BrowserSupport.waitForDashboard(dashboard);
      assertThat(funnelCounts(dashboard)).isEqualTo(funnelAfter);
      assertThat(new BigDecimal(raw(dashboard, "kpi-revenue-value")))
          .isEqualByComparingTo(revenueAfter);
    }
    assertThat(console.unexpected()).as("console errors and uncaught exceptions").isEmpty();
  }

  private static Map<String, Long> funnelCounts(Page page) {
    page.waitForSelector("[data-testid=funnel-chart][data-mode=users]");
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String step : STEPS) {
      counts.put(step, Long.parseLong(raw(page, "funnel-count-" + step)));
    }
    return counts;
  }

  /** Polls the query API until {@code done} holds: aggregation is asynchronous by design. */
  private static JsonNode awaitApi(String pathAndQuery, Predicate<JsonNode> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      stack.drain(Duration.ofSeconds(5));
      var r = BrowserSupport.tryApi(client, pathAndQuery);
      if (r != null && done.test(r)) {
        return r;
      }
      last = r;
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + pathAndQuery + "; last answer: " + last);
  }
}
