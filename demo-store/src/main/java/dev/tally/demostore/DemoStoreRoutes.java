package dev.tally.demostore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.item.ItemStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The demo store's HTTP surface: JSON API under {@code /store/api}, pages under {@code /store/},
 * the browser SDK under {@code /sdk/}. The host app calls {@link #register(JavalinConfig)}.
 */
public final class DemoStoreRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OrdersService orders;

  /**
   * Routes over the store's items.
   *
   * @param store where products, orders and the outbox live (seeded by {@link DemoStore#setUp})
   * @param config the host's settings for the store; the routes themselves read none of it today
   */
  public DemoStoreRoutes(ItemStore store, DemoStoreConfig config) {
    this(OrdersService.create(store, Clock.systemUTC()));
    Objects.requireNonNull(config, "config");
  }

  public DemoStoreRoutes(OrdersService orders) {
    this.orders = Objects.requireNonNull(orders, "orders");
  }

  /** Adds the store's routes, static pages and exception mapping to a Javalin 7 config. */
  public void register(JavalinConfig config) {
    config.staticFiles.add(
        sf -> {
          sf.hostedPath = "/store";
          sf.directory = "/store";
          sf.location = Location.CLASSPATH;
        });
    config.staticFiles.add(
        sf -> {
          sf.hostedPath = "/sdk";
          sf.directory = "/sdk";
          sf.location = Location.CLASSPATH;
          sf.headers =
              Map.of("Cache-Control", "public, max-age=300", "Access-Control-Allow-Origin", "*");
        });
    config.routes.get("/store/api/products", this::listProducts);
    config.routes.get("/store/api/products/{id}", this::getProduct);
    config.routes.get("/store/api/products/{id}/image.svg", this::productImage);
    config.routes.post("/store/api/orders", this::placeOrder);
    config.routes.get("/store/api/orders/{id}", this::getOrder);

    // The one place that maps store failures to HTTP statuses.
    config.routes.exception(InvalidOrderException.class, (e, ctx) -> error(ctx, 400, e));
    config.routes.exception(NotFoundException.class, (e, ctx) -> error(ctx, 404, e));
    config.routes.exception(
        OutOfStockException.class,
        (e, ctx) -> {
          ObjectNode body = JSON.createObjectNode();
          body.put("error", e.getMessage());
          body.put("productId", e.productId()); // lets the page point at the line to fix
          json(ctx, 409, body);
        });
    config.routes.exception(
        StoreBusyException.class,
        (e, ctx) -> {
          ctx.header("Retry-After", "1");
          error(ctx, 503, e);
        });
  }

  private void listProducts(Context ctx) {
    Map<String, Integer> stock = orders.stockLevels();
    ArrayNode out = JSON.createArrayNode();
    Catalog.all().forEach(p -> out.add(productJson(p, stock.getOrDefault(p.id(), 0))));
    json(ctx, 200, out);
  }

  private void getProduct(Context ctx) {
    Product p = product(ctx.pathParam("id"));
    json(ctx, 200, productJson(p, orders.stockOf(p.id())));
  }

  private void productImage(Context ctx) {
    Product p = product(ctx.pathParam("id"));
    ctx.header("Cache-Control", "public, max-age=86400"); // the art never changes for an id
    ctx.contentType("image/svg+xml").result(ArtworkSvg.render(p));
  }

  private void placeOrder(Context ctx) {
    Order order = orders.placeOrder(readOrderRequest(ctx.body()));
    json(ctx, 201, orderJson(order));
  }

  private void getOrder(Context ctx) {
    json(ctx, 200, orderJson(orders.getOrder(ctx.pathParam("id"))));
  }

  private static Product product(String id) {
    return Catalog.find(id).orElseThrow(() -> new NotFoundException("no product " + id));
  }

  // Parsed by hand so that every bad input gets a clear 400 instead of a mapper's stack trace.
  static OrderRequest readOrderRequest(String body) {
    JsonNode root = parse(body);
    if (root == null || !root.isObject()) {
      throw new InvalidOrderException("body must be a JSON object");
    }
    JsonNode items = root.path("items");
    if (!items.isArray()) {
      throw new InvalidOrderException("items must be an array");
    }
    List<OrderRequest.Item> list = new ArrayList<>();
    for (JsonNode item : items) {
      JsonNode q = item.path("quantity");
      if (!item.path("productId").isTextual() || !q.isIntegralNumber() || !q.canConvertToInt()) {
        throw new InvalidOrderException(
            "each item needs a string productId and an integer quantity");
      }
      list.add(new OrderRequest.Item(item.get("productId").asText(), q.asInt()));
    }
    return new OrderRequest(text(root, "userId"), text(root, "anonymousId"), list);
  }

  private static String text(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().length() > 200) {
      throw new InvalidOrderException(field + " must be a string of at most 200 characters");
    }
    return v.asText();
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidOrderException("body is not valid JSON");
    }
  }

  private static ObjectNode productJson(Product p, int stock) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", p.id());
    n.put("sku", p.sku());
    n.put("title", p.title());
    n.put("artist", p.artist());
    n.put("price", p.price());
    n.put("currency", OrdersService.CURRENCY);
    n.put("stock", stock);
    n.put("imageUrl", "/store/api/products/" + p.id() + "/image.svg");
    return n;
  }

  static ObjectNode orderJson(Order o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("orderId", o.orderId());
    n.put("userId", o.userId());
    n.put("anonymousId", o.anonymousId());
    n.put("currency", o.currency());
    n.put("total", o.total());
    n.put("createdAt", o.createdAt().toString());
    ArrayNode lines = n.putArray("lines");
    for (Order.Line l : o.lines()) {
      ObjectNode ln = lines.addObject();
      ln.put("productId", l.productId());
      ln.put("sku", l.sku());
      ln.put("title", l.title());
      ln.put("unitPrice", l.unitPrice());
      ln.put("quantity", l.quantity());
      ln.put("lineTotal", l.lineTotal());
    }
    return n;
  }

  private static void error(Context ctx, int status, Exception e) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", e.getMessage());
    json(ctx, status, body);
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }
}
