package dev.tally.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Optional;

/** Read-only view of an event's {@code properties}, {@code traits} or {@code context} object. */
public final class Props {
  private static final Props EMPTY = new Props(JsonNodeFactory.instance.objectNode());
  private final ObjectNode node;

  private Props(ObjectNode node) {
    this.node = node;
  }

  /** Wraps a defensive copy, so later changes to {@code node} cannot alter the event. */
  public static Props of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return EMPTY;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("properties must be a JSON object");
    }
    return new Props(((ObjectNode) node).deepCopy());
  }

  public static Props empty() {
    return EMPTY;
  }

  /** A copy of the underlying JSON, safe to mutate. */
  public ObjectNode toJson() {
    return node.deepCopy();
  }

  /** The underlying JSON, for reading inside this package only. */
  JsonNode json() {
    return node;
  }

  public JsonNode get(String name) {
    return node.get(name);
  }

  public Optional<String> string(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    String s = v.isTextual() ? v.textValue() : v.isNumber() ? v.asText() : null;
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  public Optional<BigDecimal> decimal(String name) {
    JsonNode v = node.get(name);
    return v != null && v.isNumber() ? Optional.of(v.decimalValue()) : Optional.empty();
  }

  public boolean isEmpty() {
    return node.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Props p && p.node.equals(node);
  }

  @Override
  public int hashCode() {
    return node.hashCode();
  }

  @Override
  public String toString() {
    return node.toString();
  }
}
