package dev.tally.hooks;

/** The server-side order lifecycle events, named as in the Segment E-commerce Spec v2. */
public enum OrderEventKind {
  COMPLETED("Order Completed", "completed"),
  REFUNDED("Order Refunded", "refunded"),
  CANCELLED("Order Cancelled", "cancelled");

  private final String eventName;
  private final String idSuffix;

  OrderEventKind(String eventName, String idSuffix) {
    this.eventName = eventName;
    this.idSuffix = idSuffix;
  }

  /** The Segment event name, e.g. {@code Order Completed}. */
  public String eventName() {
    return eventName;
  }

  /** The suffix of the deterministic messageId, e.g. {@code completed}. */
  public String idSuffix() {
    return idSuffix;
  }

  /** Looks a kind up by its Segment event name. */
  public static OrderEventKind fromEventName(String name) {
    for (OrderEventKind k : values()) {
      if (k.eventName.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("not an order event: " + name);
  }
}
