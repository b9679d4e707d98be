package dev.tally.hooks;

import java.math.BigDecimal;
import java.util.Objects;

/** One product line of an order, priced by the server. */
public record OrderLine(String productId, String sku, BigDecimal price, int quantity) {

  public OrderLine {
    productId = Checks.notBlank(productId, "productId");
    sku = Checks.notBlank(sku, "sku");
    Objects.requireNonNull(price, "price cannot be null");
    if (price.signum() < 0) {
      throw new IllegalArgumentException("price cannot be negative: " + price);
    }
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be at least 1, was " + quantity);
    }
  }
}
