package dev.tally.demostore;

/** A product has fewer units than requested (HTTP 409); nothing was written. */
public final class OutOfStockException extends StoreException {
  private final String productId;

  public OutOfStockException(Product product, int requested, int available) {
    super(
        "Out of stock: '"
            + product.title()
            + "' ("
            + product.id()
            + ") has "
            + available
            + " left, "
            + requested
            + " requested",
        null);
    this.productId = product.id();
  }

  /** The product that ran out. */
  public String productId() {
    return productId;
  }
}
