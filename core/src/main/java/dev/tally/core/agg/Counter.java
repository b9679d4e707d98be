package dev.tally.core.agg;

/** The additive counters kept per user-day and per store-day. Money counters are minor units. */
public enum Counter {
  EVENTS("events"),
  PAGE_VIEWS("pageViews"),
  PRODUCT_VIEWS("productViews"),
  PRODUCT_LIST_VIEWS("productListViews"),
  PRODUCTS_ADDED("productsAdded"),
  PRODUCTS_REMOVED("productsRemoved"),
  CART_VIEWS("cartViews"),
  CHECKOUTS_STARTED("checkoutsStarted"),
  ORDERS_COMPLETED("ordersCompleted"),
  ORDERS_REFUNDED("ordersRefunded"),
  ORDERS_CANCELLED("ordersCancelled"),
  ITEMS_PURCHASED("itemsPurchased"),
  REVENUE("revenue", true),
  REFUNDS("refunds", true),
  SEARCHES("searches"),
  CUSTOM_EVENTS("customEvents"),
  /** Completed orders in a currency other than the store's; their amounts are not in revenue. */
  UNCONVERTED_ORDERS("unconvertedOrders");

  private final String attribute;
  private final boolean money;

  Counter(String attribute) {
    this(attribute, false);
  }

  Counter(String attribute, boolean money) {
    this.attribute = attribute;
    this.money = money;
  }

  /** The attribute and JSON field name. */
  public String attribute() {
    return attribute;
  }

  public boolean isMoney() {
    return money;
  }
}
