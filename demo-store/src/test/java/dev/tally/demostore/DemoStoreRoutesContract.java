package dev.tally.demostore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.item.ItemStore;
import dev.tally.hooks.HttpEventSender;
import dev.tally.hooks.Outbox;
import dev.tally.hooks.OutboxConfig;
import dev.tally.hooks.OutboxRelay;
import dev.tally.hooks.TallyEndpoint;
import dev.tally.testkit.hooks.FaultyItemStore;
import dev.tally.testkit.hooks.FaultyItemStore.When;
import dev.tally.testkit.hooks.TallyIngestStub;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo store's HTTP API on any {@link ItemStore} engine: each engine's test class extends this
 * and hands a fresh, empty table to every test.
 */
public abstract class DemoStoreRoutesContract {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  ItemStore store;

  /** What the routes run on: the engine's store, failing only when a test says so. */
  FaultyItemStore faulty;

  DemoStoreConfig config;
  Javalin app;
  TallyIngestStub ingest;
  String base;

  /** A new, empty table. */
  protected abstract ItemStore freshStore();

  @BeforeEach
  void startStore() throws Exception {
    store = freshStore();
    faulty = new FaultyItemStore(store);
    ingest = new TallyIngestStub();
    config = new DemoStoreConfig(ingest.baseUri(), "demo_write_key");
    assertThat(DemoStore.setUp(store)).isEqualTo(24);
    DemoStoreRoutes routes = new DemoStoreRoutes(faulty, config);
    app = Javalin.create(routes::register).start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + app.port();
  }

  @AfterEach
  void stopStore() {
    app.stop();
    ingest.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void products_listTheCatalogWithLiveStock() throws Exception {
    HttpResponse<String> res = get("/store/api/products");
    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode list = JSON.readTree(res.body());
    assertThat(list).hasSize(24);
    assertThat(list.get(0).get("stock").asInt()).isEqualTo(Catalog.all().get(0).initialStock());
    assertThat(list.get(0).get("imageUrl").asText()).endsWith("/image.svg");

    JsonNode one = JSON.readTree(get("/store/api/products/night-garden").body());
    assertThat(one.get("price").decimalValue()).isEqualByComparingTo("66.00");
    assertThat(get("/store/api/products/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void productImage_isServedAsSvg() throws Exception {
    HttpResponse<String> res = get("/store/api/products/night-garden/image.svg");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("image/svg+xml"));
    assertThat(res.body()).startsWith("<svg");
  }

  @Test
  void postOrder_returns201WithServerTotal_ignoringClientPrices_andCanBeReadBack()
      throws Exception {
    HttpResponse<String> res =
        post(
            "/store/api/orders",
            "{\"userId\":\"ada\",\"anonymousId\":\"anon-9\",\"items\":[{\"productId\":\"small-comet\",\"quantity\":2,\"price\":0.01}]}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    JsonNode order = JSON.readTree(res.body());
    assertThat(order.get("total").decimalValue()).isEqualByComparingTo("48.00");
    assertThat(order.at("/lines/0/unitPrice").decimalValue()).isEqualByComparingTo("24.00");

    HttpResponse<String> back = get("/store/api/orders/" + order.get("orderId").asText());
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(back.body())).isEqualTo(order);
    assertThat(get("/store/api/orders/ord_missing").statusCode()).isEqualTo(404);
  }

  @Test
  void outOfStockOrder_is409NamingTheProduct() throws Exception {
    HttpResponse<String> res =
        post(
            "/store/api/orders",
            "{\"anonymousId\":\"a\",\"items\":[{\"productId\":\"iron-bloom\",\"quantity\":5}]}");
    assertThat(res.statusCode()).isEqualTo(409);
    JsonNode body = JSON.readTree(res.body());
    assertThat(body.get("productId").asText()).isEqualTo("iron-bloom");
    assertThat(body.get("error").asText()).contains("Iron Bloom");
  }

  @Test
  void badOrders_are400() throws Exception {
    assertThat(post("/store/api/orders", "{oops").statusCode()).isEqualTo(400);
    assertThat(
            post(
                    "/store/api/orders",
                    "{\"anonymousId\":\"a\",\"items\":[{\"productId\":\"nope\",\"quantity\":1}]}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            JSON.readTree(post("/store/api/orders", "{\"items\":[]}").body()).get("error").asText())
        .isNotBlank();
  }

  @Test
  void pagesAndSdk_areServedFromTheClasspath() throws Exception {
    HttpResponse<String> index = get("/store/index.html");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("/sdk/tally.min.js");
    assertThat(get("/store/").statusCode()).isEqualTo(200);
    HttpResponse<String> sdk = get("/sdk/tally.min.js");
    assertThat(sdk.statusCode()).isEqualTo(200);
    assertThat(sdk.body()).startsWith("var Tally=");
    for (String page :
        new String[] {
          "product.html",
          "cart.html",
          "checkout.html",
          "confirmation.html",
          "signin.html",
          "store.css",
          "store.js"
        }) {
      assertThat(get("/store/" + page).statusCode()).as(page).isEqualTo(200);
    }
  }

  @Test
  void orderPlacedOverHttp_reachesTallyOnceWithServerRevenue() throws Exception {
    HttpResponse<String> res =
        post(
            "/store/api/orders",
            "{\"anonymousId\":\"anon-7\",\"items\":[{\"productId\":\"saffron-tide\",\"quantity\":3}]}");
    String orderId = JSON.readTree(res.body()).get("orderId").asText();
    OutboxRelay relay =
        new OutboxRelay(
            new Outbox(store, Clock.systemUTC()),
            HttpEventSender.create(TallyEndpoint.of(config.tallyEndpoint(), config.writeKey())),
            OutboxConfig.defaults(),
            Clock.systemUTC());

    assertThat(relay.relayOnce()).isEqualTo(1);
    assertThat(relay.relayOnce()).isZero();

    JsonNode event = ingest.uniqueEvents().get("order-" + orderId + "-completed");
    assertThat(event).isNotNull();
    assertThat(event.at("/properties/revenue").decimalValue()).isEqualByComparingTo("89.97");
    assertThat(event.get("anonymousId").asText()).isEqualTo("anon-7");
  }

  @Test
  void unavailableStore_is503WithRetryAfter_andNothingIsWritten() throws Exception {
    faulty.failWrites(100, When.BEFORE_WRITING);

    HttpResponse<String> res =
        post(
            "/store/api/orders",
            "{\"anonymousId\":\"a\",\"items\":[{\"productId\":\"small-comet\",\"quantity\":1}]}");

    assertThat(res.statusCode()).isEqualTo(503);
    assertThat(res.headers().firstValue("Retry-After")).contains("1");
    assertThat(JSON.readTree(res.body()).get("error").asText()).contains("busy or unavailable");
    assertThat(Outbox.create(store).pending(10)).isEmpty();
    JsonNode comet = JSON.readTree(get("/store/api/products/small-comet").body());
    assertThat(comet.get("stock").asInt())
        .isEqualTo(Catalog.find("small-comet").orElseThrow().initialStock());
  }
}
