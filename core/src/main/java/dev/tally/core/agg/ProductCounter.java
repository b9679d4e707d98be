package dev.tally.core.agg;

/** Counters kept per product per day, for top-product views. */
public enum ProductCounter {
  VIEWS("views"),
  ADDS("adds"),
  REMOVES("removes"),
  UNITS("units"),
  REVENUE("revenue");

  private final String attribute;

  ProductCounter(String attribute) {
    this.attribute = attribute;
  }

  public String attribute() {
    return attribute;
  }
}
