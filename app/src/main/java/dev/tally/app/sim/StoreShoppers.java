package dev.tally.app.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntConsumer;

/**
 * Simulated shoppers of the demo store, walking its real HTTP endpoints the way its pages do:
 * SDK-like events (page, Product Viewed, Product Added, identify, Cart Viewed, Checkout Started) go
 * to {@code /v1/batch} under an anonymous id, and orders go to {@code POST /store/api/orders}, so
 * revenue comes from the store's server-side outbox hook, never from the shopper.
 *
 * <p>{@link #plan} is pure (seeded, no I/O); {@link #run} does the HTTP.
 */
public final class StoreShoppers {
  static final String LIBRARY = "tally-demo-shopper";

  private final URI base;
  private final String writeKey;
  private final HttpClient http;
  private final TallyClient tally;

  public StoreShoppers(URI base, String writeKey, HttpClient http) {
    this.base = Objects.requireNonNull(base, "base");
    this.writeKey = Objects.requireNonNull(writeKey, "writeKey");
    this.http = Objects.requireNonNull(http, "http");
    this.tally = new TallyClient(base);
  }

  /** A catalog entry as {@code GET /store/api/products} answers it. */
  public record Product(
      String id, String sku, String title, String artist, BigDecimal price, int stock) {
    public Product {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(price, "price");
    }
  }

  /** One line of an order request: only ids and quantities; the store prices the order. */
  public record Line(String productId, int quantity) {
    public Line {
      Objects.requireNonNull(productId, "productId");
      if (quantity < 1) {
        throw new IllegalArgumentException("quantity must be at least 1");
      }
    }
  }

  /**
   * One shopper's visit: the events the pages would send, in order, then the order to place (empty
   * when the shopper leaves without buying).
   *
   * @param userId the name the shopper signed in with, or null for a guest
   */
  public record Visit(
      String anonymousId, String userId, List<ObjectNode> events, List<Line> order) {
    public Visit {
      Objects.requireNonNull(anonymousId, "anonymousId");
      events = List.copyOf(events);
      order = List.copyOf(order);
    }

    /** The {@code POST /store/api/orders} body, exactly what checkout.html sends. */
    public String orderRequest() {
      ObjectNode body = Json.mapper().createObjectNode();
      if (userId != null) {
        body.put("userId", userId);
      } else {
        body.putNull("userId");
      }
      body.put("anonymousId", anonymousId);
      var items = body.putArray("items");
      order.forEach(
          l -> items.addObject().put("productId", l.productId()).put("quantity", l.quantity()));
      return body.toString();
    }
  }

  /** What a run did. {@code soldOut} counts orders the store refused for lack of stock (409). */
  public record Summary(int shoppers, int events, int orders, BigDecimal revenue, int soldOut) {}

  /**
   * The visit of shopper number {@code shopper}: 2–5 product views (popular prints more often),
   * some adds to cart, often a sign-in, and a checkout for most of those with a cart. Events end at
   * {@code end} and are a few seconds to a minute apart, like a person clicking through.
   */
  public static Visit plan(long seed, int shopper, List<Product> catalog, Instant end) {
    List<Product> inStock = catalog.stream().filter(p -> p.stock() > 0).toList();
    if (inStock.isEmpty()) {
      throw new IllegalArgumentException("the catalog has no product in stock");
    }
    Random rnd = new Random(seed * 1_000_003L + shopper);
    String anon = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
    List<ObjectNode> events = new ArrayList<>();
    Map<String, Integer> cart = new LinkedHashMap<>();
    String userId = null;
    Builder b = new Builder(rnd, anon);

    b.page(events, "Catalog", "/store/index.html");
    int views = 2 + rnd.nextInt(4);
    for (int v = 0; v < views; v++) {
      Product p = inStock.get(zipfIndex(rnd, inStock.size()));
      b.page(events, "Product", "/store/product.html?id=" + p.id());
      events.add(b.track("Product Viewed", b.productProps(p, 1)));
      if (rnd.nextDouble() < 0.35 && cart.getOrDefault(p.id(), 0) < p.stock()) {
        cart.merge(p.id(), 1, Integer::sum);
        events.add(b.track("Product Added", b.productProps(p, 1)));
      }
    }
    if (!cart.isEmpty() && rnd.nextDouble() < 0.6) {
      userId = "shopper-" + (seed & 0xffff) + "-" + shopper;
      b.page(events, "Sign In", "/store/signin.html");
      events.add(b.identify(userId));
    }
    List<Line> order = new ArrayList<>();
    if (!cart.isEmpty()) {
      b.page(events, "Cart", "/store/cart.html");
      events.add(b.track("Cart Viewed", Json.mapper().createObjectNode().put("cart_id", anon)));
      if (rnd.nextDouble() < 0.7) {
        b.page(events, "Checkout", "/store/checkout.html");
        BigDecimal estimate = BigDecimal.ZERO;
        for (var e : cart.entrySet()) {
          Product p = find(inStock, e.getKey());
          estimate = estimate.add(p.price().multiply(BigDecimal.valueOf(e.getValue())));
        }
        events.add(
            b.track(
                "Checkout Started",
                Json.mapper().createObjectNode().put("value", estimate).put("currency", "USD")));
        if (rnd.nextDouble() < 0.8) {
          cart.forEach((id, q) -> order.add(new Line(id, q)));
        }
      }
    }
    b.stamp(events, end);
    return new Visit(anon, userId, events, order);
  }

  /** Reads the store's catalog: real ids, prices and stock. */
  public List<Product> catalog() throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/store/api/products")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "GET /store/api/products answered " + r.statusCode() + ": " + r.body());
    }
    List<Product> out = new ArrayList<>();
    for (JsonNode p : Json.mapper().readTree(r.body())) {
      out.add(
          new Product(
              p.path("id").asText(),
              p.path("sku").asText(),
              p.path("title").asText(),
              p.path("artist").asText(),
              new BigDecimal(p.path("price").asText()),
              p.path("stock").asInt()));
    }
    return out;
  }

  /** Walks {@code shoppers} visits one after another; {@code progress} gets each finished index. */
  public Summary run(int shoppers, long seed, IntConsumer progress)
      throws IOException, InterruptedException {
    int events = 0;
    int orders = 0;
    int soldOut = 0;
    BigDecimal revenue = BigDecimal.ZERO;
    for (int i = 0; i < shoppers; i++) {
      // Re-read each time: stock goes down as the shoppers before this one buy.
      Visit visit = plan(seed, i, catalog(), Instant.now());
      HttpResponse<String> sent = tally.batch(writeKey, visit.events(), false);
      if (sent.statusCode() != 200) {
        throw new IllegalStateException(
            "/v1/batch answered " + sent.statusCode() + ": " + sent.body());
      }
      events += visit.events().size();
      if (!visit.order().isEmpty()) {
        HttpResponse<String> placed = placeOrder(visit);
        if (placed.statusCode() == 201) {
          orders++;
          revenue =
              revenue.add(
                  new BigDecimal(Json.mapper().readTree(placed.body()).path("total").asText()));
        } else if (placed.statusCode() == 409) {
          soldOut++;
        } else {
          throw new IllegalStateException(
              "POST /store/api/orders answered " + placed.statusCode() + ": " + placed.body());
        }
      }
      progress.accept(i);
    }
    return new Summary(shoppers, events, orders, revenue, soldOut);
  }

  private HttpResponse<String> placeOrder(Visit visit) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("/store/api/orders"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(visit.orderRequest()))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    for (int attempt = 0; attempt < 3 && r.statusCode() == 503; attempt++) {
      Thread.sleep(
          250L << attempt); // the store is busy: back off as the checkout page's user would
      r = http.send(req, HttpResponse.BodyHandlers.ofString());
    }
    return r;
  }

  private static Product find(List<Product> catalog, String id) {
    return catalog.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  /** Index with Zipf-like popularity (s = 1): the first prints of the catalog sell best. */
  static int zipfIndex(Random rnd, int n) {
    double total = 0;
    for (int i = 1; i <= n; i++) {
      total += 1.0 / i;
    }
    double u = rnd.nextDouble() * total;
    for (int i = 1; i <= n; i++) {
      u -= 1.0 / i;
      if (u <= 0) {
        return i - 1;
      }
    }
    return n - 1;
  }

  /** Builds events the way tally.js does: random messageId, anonymousId, library context. */
  private static final class Builder {
    private final Random rnd;
    private final String anon;
    private String userId;
    private String path = "/store/index.html";

    Builder(Random rnd, String anon) {
      this.rnd = rnd;
      this.anon = anon;
    }

    void page(List<ObjectNode> events, String name, String pagePath) {
      path = pagePath;
      ObjectNode e = base("page");
      e.put("name", name);
      e.putObject("properties").put("path", pagePath);
      events.add(e);
    }

    ObjectNode track(String event, ObjectNode properties) {
      ObjectNode e = base("track");
      e.put("event", event);
      e.set("properties", properties);
      return e;
    }

    ObjectNode identify(String id) {
      userId = id;
      ObjectNode e = base("identify");
      e.putObject("traits").put("name", id);
      return e;
    }

    ObjectNode productProps(Product p, int quantity) {
      return Json.mapper()
          .createObjectNode()
          .put("product_id", p.id())
          .put("sku", p.sku())
          .put("name", p.title())
          .put("brand", p.artist())
          .put("price", p.price())
          .put("quantity", quantity)
          .put("currency", "USD");
    }

    private ObjectNode base(String type) {
      ObjectNode e = Json.mapper().createObjectNode();
      e.put("type", type);
      e.put("messageId", new UUID(rnd.nextLong(), rnd.nextLong()).toString());
      e.put("anonymousId", anon);
      if (userId != null) {
        e.put("userId", userId);
      }
      ObjectNode context = e.putObject("context");
      context.putObject("library").put("name", LIBRARY).put("version", "1");
      context.putObject("page").put("path", path);
      return e;
    }

    /** Timestamps: a few seconds to a minute apart, the last one at {@code end}. */
    void stamp(List<ObjectNode> events, Instant end) {
      Instant t = end;
      for (int i = events.size() - 1; i >= 0; i--) {
        events.get(i).put("timestamp", t.toString());
        t = t.minusSeconds(3 + rnd.nextInt(57));
      }
    }
  }
}
