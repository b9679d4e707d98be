package dev.tally.core.agg;

import java.util.EnumSet;
import java.util.Set;

/** The funnel steps, in order. Each is counted once per person per day. */
public enum FunnelStep {
  VISITED("visited"),
  VIEWED_PRODUCT("viewedProduct"),
  ADDED_TO_CART("addedToCart"),
  STARTED_CHECKOUT("startedCheckout"),
  COMPLETED_ORDER("completedOrder");

  private final String attribute;

  FunnelStep(String attribute) {
    this.attribute = attribute;
  }

  public String attribute() {
    return attribute;
  }

  public int bit() {
    return 1 << ordinal();
  }

  public static int toBits(Set<FunnelStep> steps) {
    int bits = 0;
    for (FunnelStep s : steps) {
      bits |= s.bit();
    }
    return bits;
  }

  public static EnumSet<FunnelStep> fromBits(int bits) {
    EnumSet<FunnelStep> set = EnumSet.noneOf(FunnelStep.class);
    for (FunnelStep s : values()) {
      if ((bits & s.bit()) != 0) {
        set.add(s);
      }
    }
    return set;
  }
}
