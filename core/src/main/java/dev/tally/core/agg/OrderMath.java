package dev.tally.core.agg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Props;
import dev.tally.core.money.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Optional;

/** Reads order amounts from E-commerce Spec properties, exactly, in minor units. */
public final class OrderMath {
  private OrderMath() {}

  /** One line of an order: product, units and line revenue in minor units. */
  public record Line(String productId, long quantity, long revenueMinor) {}

  /** The order's currency: its own {@code currency} property, else the store's. */
  public static Currency currencyOf(Props p, Currency storeCurrency) {
    return p.string("currency").map(Money::currency).orElse(storeCurrency);
  }

  /**
   * The order's revenue: {@code revenue}, else {@code total}, else the sum of its product lines.
   */
  public static long revenueMinor(Props p, Currency currency) {
    Optional<BigDecimal> amount = p.decimal("revenue").or(() -> p.decimal("total"));
    if (amount.isPresent()) {
      return Money.toMinor(amount.get(), currency);
    }
    return lines(p, currency).stream().mapToLong(Line::revenueMinor).sum();
  }

  public static List<Line> lines(Props p, Currency currency) {
    List<Line> lines = new ArrayList<>();
    JsonNode products = p.get("products");
    if (products == null || !products.isArray()) {
      return lines;
    }
    for (JsonNode prod : products) {
      long qty = prod.path("quantity").isIntegralNumber() ? prod.path("quantity").asLong() : 1;
      long price =
          prod.path("price").isNumber()
              ? Money.toMinor(prod.path("price").decimalValue(), currency)
              : 0;
      lines.add(new Line(productId(prod), qty, Math.multiplyExact(price, qty)));
    }
    return lines;
  }

  /** {@code product_id}, else {@code sku}; null when neither is given. */
  public static String productId(JsonNode obj) {
    return productId(obj::get);
  }

  /** The same, read from an event's properties without copying them. */
  public static String productId(Props properties) {
    return productId(properties::get);
  }

  private static String productId(java.util.function.Function<String, JsonNode> field) {
    for (String f : new String[] {"product_id", "sku"}) {
      JsonNode v = field.apply(f);
      if (v != null && (v.isTextual() || v.isIntegralNumber()) && !v.asText().isBlank()) {
        return v.asText();
      }
    }
    return null;
  }
}
