package dev.tally.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The one place that maps {@link OrderEvent} to and from Segment track JSON. */
public final class OrderEventJson {
  static final String LIBRARY_NAME = "tally-java-hooks";
  static final String LIBRARY_VERSION = "0.1.0";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OrderEventJson() {}

  /** The Segment {@code track} message for one event. */
  public static ObjectNode toTrack(OrderEvent e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "track");
    n.put("event", e.kind().eventName());
    if (e.userId() != null) {
      n.put("userId", e.userId());
    }
    if (e.anonymousId() != null) {
      n.put("anonymousId", e.anonymousId());
    }
    n.put("messageId", e.messageId());
    n.put("timestamp", e.timestamp().toString());
    ObjectNode props = n.putObject("properties");
    props.put("order_id", e.orderId());
    props.put("revenue", e.revenue());
    props.put("total", e.total());
    props.put("currency", e.currency());
    ArrayNode products = props.putArray("products");
    for (OrderLine line : e.products()) {
      ObjectNode p = products.addObject();
      p.put("product_id", line.productId());
      p.put("sku", line.sku());
      p.put("price", line.price());
      p.put("quantity", line.quantity());
    }
    ObjectNode library = n.putObject("context").putObject("library");
    library.put("name", LIBRARY_NAME);
    library.put("version", LIBRARY_VERSION);
    return n;
  }

  /** The body of {@code POST /v1/batch}. */
  public static String toBatchBody(List<OrderEvent> events, Instant sentAt) {
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode batch = body.putArray("batch");
    events.forEach(e -> batch.add(toTrack(e)));
    body.put("sentAt", sentAt.toString());
    return write(body);
  }

  /** One track message as a JSON string, as stored in the outbox. */
  public static String toJson(OrderEvent e) {
    return write(toTrack(e));
  }

  /**
   * Reads a track message written by {@link #toJson}.
   *
   * @throws IllegalArgumentException if the text is not such a message
   */
  public static OrderEvent fromJson(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      JsonNode props = n.path("properties");
      List<OrderLine> lines = new ArrayList<>();
      for (JsonNode p : props.path("products")) {
        lines.add(
            new OrderLine(
                p.path("product_id").asText(null),
                p.path("sku").asText(null),
                p.path("price").decimalValue(),
                p.path("quantity").asInt()));
      }
      return new OrderEvent(
          OrderEventKind.fromEventName(n.path("event").asText()),
          props.path("order_id").asText(null),
          n.path("userId").asText(null),
          n.path("anonymousId").asText(null),
          decimal(props, "revenue"),
          decimal(props, "total"),
          props.path("currency").asText(null),
          lines,
          Instant.parse(n.path("timestamp").asText()));
    } catch (JsonProcessingException | RuntimeException ex) {
      throw new IllegalArgumentException("not an order event message: " + ex.getMessage(), ex);
    }
  }

  private static BigDecimal decimal(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number");
    }
    return v.decimalValue();
  }

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e); // cannot happen for trees
    }
  }
}
