package dev.tally.demostore;

import java.math.BigDecimal;
import java.util.Objects;

/** An art print of the demo catalog; the price is the server's, in USD. */
public record Product(String id, String title, String artist, BigDecimal price, int initialStock) {
  public Product {
    if (id == null || !id.matches("[a-z0-9-]{1,40}")) {
      throw new IllegalArgumentException("id must be 1-40 of [a-z0-9-], was " + id);
    }
    Objects.requireNonNull(title, "title cannot be null");
    Objects.requireNonNull(artist, "artist cannot be null");
    Objects.requireNonNull(price, "price cannot be null");
    if (price.signum() <= 0 || price.scale() != 2) {
      throw new IllegalArgumentException("price must be positive with cents, was " + price);
    }
    if (initialStock < 0) {
      throw new IllegalArgumentException("initialStock cannot be negative");
    }
  }

  /** The stock-keeping unit sent in order events. */
  public String sku() {
    return "PRINT-" + id.toUpperCase(java.util.Locale.ROOT);
  }
}
