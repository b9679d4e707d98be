package dev.tally.demostore;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The one mapping between the store's records and DynamoDB items; attribute names live here. */
final class StoreItems {
  static final String PK = "pk";
  static final String SK = "sk";
  static final String STOCK = "stock";
  static final String PRODUCT_SK = "PRODUCT";
  static final String ORDER_SK = "ORDER";

  private StoreItems() {}

  static Map<String, AttributeValue> productKey(String productId) {
    return Map.of(PK, s("PRODUCT#" + productId), SK, s(PRODUCT_SK));
  }

  static Map<String, AttributeValue> orderKey(String orderId) {
    return Map.of(PK, s("ORDER#" + orderId), SK, s(ORDER_SK));
  }

  static Map<String, AttributeValue> productItem(Product p) {
    Map<String, AttributeValue> item = new HashMap<>(productKey(p.id()));
    item.put("productId", s(p.id()));
    item.put("title", s(p.title()));
    item.put("artist", s(p.artist()));
    item.put("price", n(p.price().toPlainString()));
    item.put(STOCK, n(Integer.toString(p.initialStock())));
    return item;
  }

  static String productIdOf(Map<String, AttributeValue> item) {
    return item.get(PK).s().substring("PRODUCT#".length());
  }

  static int stockOf(Map<String, AttributeValue> item) {
    AttributeValue v = item.get(STOCK);
    return v == null ? 0 : Integer.parseInt(v.n());
  }

  static Map<String, AttributeValue> orderItem(Order o) {
    Map<String, AttributeValue> item = new HashMap<>(orderKey(o.orderId()));
    item.put("orderId", s(o.orderId()));
    if (o.userId() != null) {
      item.put("userId", s(o.userId()));
    }
    if (o.anonymousId() != null) {
      item.put("anonymousId", s(o.anonymousId()));
    }
    item.put("total", n(o.total().toPlainString()));
    item.put("currency", s(o.currency()));
    item.put("createdAt", s(o.createdAt().toString()));
    item.put("status", s("PLACED"));
    item.put(
        "lines",
        AttributeValue.fromL(
            o.lines().stream()
                .map(
                    l ->
                        AttributeValue.fromM(
                            Map.of(
                                "productId", s(l.productId()),
                                "sku", s(l.sku()),
                                "title", s(l.title()),
                                "unitPrice", n(l.unitPrice().toPlainString()),
                                "quantity", n(Integer.toString(l.quantity())))))
                .toList()));
    return item;
  }

  static Order orderFrom(Map<String, AttributeValue> item) {
    List<Order.Line> lines =
        item.get("lines").l().stream()
            .map(AttributeValue::m)
            .map(
                m ->
                    new Order.Line(
                        m.get("productId").s(),
                        m.get("sku").s(),
                        m.get("title").s(),
                        new BigDecimal(m.get("unitPrice").n()),
                        Integer.parseInt(m.get("quantity").n())))
            .toList();
    return new Order(
        item.get("orderId").s(),
        item.containsKey("userId") ? item.get("userId").s() : null,
        item.containsKey("anonymousId") ? item.get("anonymousId").s() : null,
        lines,
        new BigDecimal(item.get("total").n()),
        item.get("currency").s(),
        Instant.parse(item.get("createdAt").s()));
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  private static AttributeValue n(String v) {
    return AttributeValue.fromN(v);
  }
}
