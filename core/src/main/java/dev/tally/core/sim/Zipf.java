package dev.tally.core.sim;

import java.util.Random;

/** Zipf-popular picks (a few items take most of the views), for the workload generators. */
public final class Zipf {
  private Zipf() {}

  /** The cumulative distribution over {@code n} items with exponent {@code s}. */
  public static double[] cdf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, s);
      cdf[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    return cdf;
  }

  /** An index drawn from {@code cdf}: the first whose cumulative share reaches a uniform draw. */
  public static int pick(double[] cdf, Random rnd) {
    double u = rnd.nextDouble();
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
