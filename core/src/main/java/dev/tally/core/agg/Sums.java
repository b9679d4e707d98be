package dev.tally.core.agg;

/**
 * Addition for read-side totals that can never throw or wrap: at the ends of the long range it
 * stays there. Ingest's bounds keep every stored item far from the ends, so only sums over long
 * ranges of adversarial data can reach them, and then the figure reads as the largest long rather
 * than failing the request.
 */
public final class Sums {
  private Sums() {}

  public static long add(long a, long b) {
    long r = a + b;
    // Overflow iff both operands have the sign opposite to the result's.
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }
}
