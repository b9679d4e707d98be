package dev.tally.demostore;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A placed order, priced by the server. */
public record Order(
    String orderId,
    String userId,
    String anonymousId,
    List<Line> lines,
    BigDecimal total,
    String currency,
    Instant createdAt) {

  public Order {
    Objects.requireNonNull(orderId, "orderId cannot be null");
    lines = List.copyOf(lines);
    total = cents(Objects.requireNonNull(total, "total cannot be null"));
    Objects.requireNonNull(currency, "currency cannot be null");
    Objects.requireNonNull(createdAt, "createdAt cannot be null");
  }

  // Keep amounts canonical at cents, however they were written or read back (48 is 48.00).
  private static BigDecimal cents(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.UNNECESSARY);
  }

  /** One line: the catalog's unit price at the time of the order times the quantity. */
  public record Line(
      String productId, String sku, String title, BigDecimal unitPrice, int quantity) {
    public Line {
      Objects.requireNonNull(productId, "productId cannot be null");
      unitPrice = cents(Objects.requireNonNull(unitPrice, "unitPrice cannot be null"));
      if (quantity < 1) {
        throw new IllegalArgumentException("quantity must be at least 1");
      }
    }

    /** unitPrice x quantity. */
    public BigDecimal lineTotal() {
      return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
  }
}
