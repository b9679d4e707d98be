package dev.tally.demostore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping between the store's records and items; attribute names live here.
 *
 * <pre>
 * product   pk=PRODUCT#{id}   sk=PRODUCT   productId, title, artist, price, stock
 * order     pk=ORDER#{id}     sk=ORDER     orderId, userId?, anonymousId?, total, currency,
 *                                          createdAt, status, lines
 * </pre>
 *
 * Amounts are plain decimal strings ({@code "48.00"}): the port's numbers are whole. Order lines
 * are one JSON string attribute, since the port has no list type.
 */
final class StoreItems {
  static final String STOCK = "stock";
  static final String PRODUCT_PREFIX = "PRODUCT#";
  static final String ORDER_PREFIX = "ORDER#";
  static final String PRODUCT_SK = "PRODUCT";
  static final String ORDER_SK = "ORDER";

  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreItems() {}

  static ItemKey productKey(String productId) {
    return ItemKey.of(PRODUCT_PREFIX + productId, PRODUCT_SK);
  }

  static ItemKey orderKey(String orderId) {
    return ItemKey.of(ORDER_PREFIX + orderId, ORDER_SK);
  }

  static Item productItem(Product p) {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("productId", AttrValue.str(p.id()));
    attrs.put("title", AttrValue.str(p.title()));
    attrs.put("artist", AttrValue.str(p.artist()));
    attrs.put("price", AttrValue.str(p.price().toPlainString()));
    attrs.put(STOCK, AttrValue.num(p.initialStock()));
    return Item.of(productKey(p.id()), attrs);
  }

  static String productIdOf(Item item) {
    return item.key().pk().substring(PRODUCT_PREFIX.length());
  }

  /** The stock of a product item (0 when it has none). */
  static int stockOf(Item item) {
    return Math.toIntExact(item.num(STOCK));
  }

  static Item orderItem(Order o) {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("orderId", AttrValue.str(o.orderId()));
    if (o.userId() != null) {
      attrs.put("userId", AttrValue.str(o.userId()));
    }
    if (o.anonymousId() != null) {
      attrs.put("anonymousId", AttrValue.str(o.anonymousId()));
    }
    attrs.put("total", AttrValue.str(o.total().toPlainString()));
    attrs.put("currency", AttrValue.str(o.currency()));
    attrs.put("createdAt", AttrValue.str(o.createdAt().toString()));
    attrs.put("status", AttrValue.str("PLACED"));
    attrs.put("lines", AttrValue.str(linesJson(o.lines())));
    return Item.of(orderKey(o.orderId()), attrs);
  }

  /**
   * The order an item holds.
   *
   * @throws IllegalStateException if the item is not a well-formed order
   */
  static Order orderFrom(Item item) {
    try {
      return new Order(
          required(item, "orderId"),
          item.str("userId"),
          item.str("anonymousId"),
          linesFrom(required(item, "lines")),
          new BigDecimal(required(item, "total")),
          required(item, "currency"),
          Instant.parse(required(item, "createdAt")));
    } catch (RuntimeException e) {
      throw new IllegalStateException("item " + item.key() + " is not a readable order", e);
    }
  }

  private static String linesJson(List<Order.Line> lines) {
    ArrayNode array = JSON.createArrayNode();
    for (Order.Line l : lines) {
      ObjectNode n = array.addObject();
      n.put("productId", l.productId());
      n.put("sku", l.sku());
      n.put("title", l.title());
      n.put("unitPrice", l.unitPrice().toPlainString()); // a string: exact, never a double
      n.put("quantity", l.quantity());
    }
    return array.toString();
  }

  private static List<Order.Line> linesFrom(String json) {
    JsonNode array;
    try {
      array = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("order lines are not JSON", e);
    }
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("order lines must be a JSON array");
    }
    List<Order.Line> lines = new ArrayList<>();
    for (JsonNode n : array) {
      lines.add(
          new Order.Line(
              n.path("productId").asText(null),
              n.path("sku").asText(null),
              n.path("title").asText(null),
              new BigDecimal(n.path("unitPrice").asText()),
              n.path("quantity").asInt()));
    }
    return lines;
  }

  private static String required(Item item, String name) {
    String v = item.str(name);
    if (v == null) {
      throw new IllegalArgumentException("missing string attribute " + name);
    }
    return v;
  }
}
