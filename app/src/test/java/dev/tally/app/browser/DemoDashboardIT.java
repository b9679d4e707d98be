package dev.tally.app.browser;

import static dev.tally.app.browser.BrowserSupport.api;
import static dev.tally.app.browser.BrowserSupport.openDashboard;
import static dev.tally.app.browser.BrowserSupport.range;
import static dev.tally.app.browser.BrowserSupport.screenshot;
import static dev.tally.app.browser.BrowserSupport.today;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.tally.app.sim.DemoHistory;
import dev.tally.app.sim.StoreShoppers;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.Routes;
import dev.tally.app.stack.StackConfig;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code tally demo} shows a merchant: its history goes through the real pipeline and the
 * dashboards show a believable shop (a few percent converting, two months of days). The test run
 * saves the screenshots the README uses ({@code target/screenshots/dashboard-demo-*.png}).
 */
class DemoDashboardIT {

  @Test
  void theDemosHistory_throughThePipeline_readsAsASmallShop_onTheDashboards() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests(), Map.of(), Routes.all());
        Playwright playwright = Playwright.create()) {
      TallyClient client = new TallyClient(stack.baseUri());
      List<DemoHistory.Product> products =
          new StoreShoppers(stack.baseUri(), DemoStore.WRITE_KEY, HttpClient.newHttpClient())
              .catalog().stream()
                  .map(p -> new DemoHistory.Product(p.id(), p.title(), p.artist(), p.price()))
                  .toList();
      Instant now = Instant.now();
      List<ObjectNode> events =
          new DemoHistory(7, 60, 120, now, products, stack.baseUri()).generate();
      for (int i = 0; i < events.size(); i += 500) {
        HttpResponse<String> r =
            client.batch(
                DemoStore.WRITE_KEY, events.subList(i, Math.min(events.size(), i + 500)), true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("\"rejected\":[{");
      }
      assertThat(stack.drain(Duration.ofSeconds(120))).as("history aggregated").isTrue();

      JsonNode month = api(client, "/api/v1/summary?" + range(today().minusDays(29), today()));
      assertThat(month.at("/tiles/conversionRate/value").asDouble())
          .as("buyers / visitors over 30 days")
          .isBetween(0.015, 0.04);
      assertThat(month.at("/tiles/visitors/value").asLong()).isGreaterThan(1_000);
      assertThat(month.at("/tiles/ordersCompleted/value").asLong()).isGreaterThan(20);
      assertThat(month.at("/tiles/revenue/change").isNumber())
          .as("the previous 30 days have data too, so the tiles compare")
          .isTrue();
      JsonNode days =
          api(
              client,
              "/api/v1/timeseries?metric=events&interval=day&"
                  + range(today().minusDays(59), today()));
      assertThat(days.path("points")).hasSize(60);
      // Every past day has visits (today may not yet, just after midnight).
      for (int i = 0; i < 59; i++) {
        JsonNode p = days.path("points").get(i);
        assertThat(p.path("value").asLong()).as(p.toString()).isPositive();
      }

      Browser browser = BrowserSupport.launch(playwright);
      try (BrowserContext desktop = BrowserSupport.desktop(browser)) {
        Page page = openDashboard(desktop, stack.baseUri(), "");
        PlaywrightAssertions.assertThat(page.locator("[data-testid=kpi-conversionRate-change]"))
            .not()
            .hasText("New");
        screenshot(page, "dashboard-demo-1400");
      }
      try (BrowserContext desktop = BrowserSupport.desktop(browser)) {
        // Top products by name and picture: the catalog the events' name/image_url built.
        Page page = openDashboard(desktop, stack.baseUri(), "view=products&by=units");
        JsonNode top =
            api(
                client,
                "/api/v1/products/top?by=units&limit=10&" + range(today().minusDays(29), today()));
        Map<String, String> titles = new java.util.HashMap<>();
        products.forEach(p -> titles.put(p.id(), p.name()));
        JsonNode first = top.at("/products/0");
        assertThat(first.path("name").asText())
            .isEqualTo(titles.get(first.path("productId").asText()));
        assertThat(first.path("imageUrl").asText()).endsWith("/image.svg");
        assertThat(first.path("viewToCart").isNumber()).isTrue();
        PlaywrightAssertions.assertThat(
                page.locator("[data-testid=top-products-table] [data-testid=product-name]").first())
            .hasText(first.path("name").asText());
        PlaywrightAssertions.assertThat(
                page.locator("[data-testid=top-products-table] [data-testid=product-thumb]"))
            .hasCount(top.path("products").size());
        screenshot(page, "dashboard-demo-products-1400");
      }
      try (BrowserContext phone = BrowserSupport.phone(browser)) {
        screenshot(openDashboard(phone, stack.baseUri(), ""), "dashboard-demo-390");
      }
    }
  }
}
