package dev.tally.core.event;

import java.util.Set;

/** Event names of Segment's E-commerce Spec v2 that Tally counts specifically. */
public final class Ecommerce {
  public static final String PRODUCTS_SEARCHED = "Products Searched";
  public static final String PRODUCT_LIST_VIEWED = "Product List Viewed";
  public static final String PRODUCT_VIEWED = "Product Viewed";
  public static final String PRODUCT_ADDED = "Product Added";
  public static final String PRODUCT_REMOVED = "Product Removed";
  public static final String CART_VIEWED = "Cart Viewed";
  public static final String CHECKOUT_STARTED = "Checkout Started";
  public static final String ORDER_COMPLETED = "Order Completed";
  public static final String ORDER_REFUNDED = "Order Refunded";
  public static final String ORDER_CANCELLED = "Order Cancelled";

  public static final Set<String> ALL =
      Set.of(
          PRODUCTS_SEARCHED,
          PRODUCT_LIST_VIEWED,
          PRODUCT_VIEWED,
          PRODUCT_ADDED,
          PRODUCT_REMOVED,
          CART_VIEWED,
          CHECKOUT_STARTED,
          ORDER_COMPLETED,
          ORDER_REFUNDED,
          ORDER_CANCELLED);

  /** Events whose properties carry money and get the strict amount checks. */
  public static final Set<String> WITH_MONEY =
      Set.of(
          PRODUCT_VIEWED,
          PRODUCT_ADDED,
          PRODUCT_REMOVED,
          CHECKOUT_STARTED,
          ORDER_COMPLETED,
          ORDER_REFUNDED,
          ORDER_CANCELLED);

  private Ecommerce() {}
}
