package dev.tally.demostore;

import java.util.List;

/**
 * What a shopper asks for at checkout: product ids and quantities only. Prices are looked up on the
 * server.
 */
public record OrderRequest(String userId, String anonymousId, List<Item> items) {
  /**
   * Most lines one order may hold: an order is one atomic write of a stock update per line plus two
   * (at most {@link dev.tally.core.item.ItemStore#maxWritesPerCall()}, 100 on DynamoDB).
   */
  public static final int MAX_LINES = 50;

  /** Most units of one product per order. */
  public static final int MAX_QUANTITY = 99;

  public OrderRequest {
    userId = userId == null || userId.isBlank() ? null : userId.strip();
    anonymousId = anonymousId == null || anonymousId.isBlank() ? null : anonymousId.strip();
    if (anonymousId == null && userId == null) {
      throw new InvalidOrderException("anonymousId or userId is required");
    }
    if (items == null || items.isEmpty()) {
      throw new InvalidOrderException("items cannot be empty");
    }
    if (items.size() > MAX_LINES) {
      throw new InvalidOrderException("at most " + MAX_LINES + " lines per order");
    }
    items = List.copyOf(items);
  }

  /** One requested line. */
  public record Item(String productId, int quantity) {
    public Item {
      if (productId == null || productId.isBlank()) {
        throw new InvalidOrderException("productId is required");
      }
      if (quantity < 1 || quantity > MAX_QUANTITY) {
        throw new InvalidOrderException("quantity of " + productId + " must be 1.." + MAX_QUANTITY);
      }
    }
  }
}
