package dev.tally.core.agg;

/**
 * Decides daily distinct counts: a person adds to a step's count on a day only the first time they
 * reach it that day. Pure, so a stream processor can keep the bits in its own state.
 */
public final class FunnelState {
  private FunnelState() {}

  /** Bits of the steps in {@code reached} that {@code storedBits} does not have yet. */
  public static int newSteps(int storedBits, int reachedBits) {
    return reachedBits & ~storedBits;
  }
}
