package dev.tally.core.agg;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A vector of counters indexed by an enum; adding two is associative and commutative. */
public final class Counts<E extends Enum<E>> {
  private final Class<E> type;
  private final long[] values;

  private Counts(Class<E> type, long[] values) {
    this.type = type;
    this.values = values;
  }

  public static <E extends Enum<E>> Counts<E> zero(Class<E> type) {
    return new Counts<>(type, new long[type.getEnumConstants().length]);
  }

  public long get(E key) {
    return values[key.ordinal()];
  }

  /** Adds in place; only for building deltas, never on shared instances. */
  void add(E key, long amount) {
    values[key.ordinal()] = Math.addExact(values[key.ordinal()], amount);
  }

  public Counts<E> plus(Counts<E> other) {
    long[] sum = values.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] = Math.addExact(sum[i], other.values[i]);
    }
    return new Counts<>(type, sum);
  }

  public boolean isZero() {
    for (long v : values) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** Non-zero counters in declaration order. */
  public Map<E, Long> nonZero() {
    Map<E, Long> m = new LinkedHashMap<>();
    for (E e : type.getEnumConstants()) {
      if (values[e.ordinal()] != 0) {
        m.put(e, values[e.ordinal()]);
      }
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Counts<?> c && c.type == type && Arrays.equals(c.values, values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return nonZero().toString();
  }
}
