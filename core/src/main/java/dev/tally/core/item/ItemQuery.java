package dev.tally.core.item;

/**
 * The items of one partition, in ascending sort-key order, optionally only those with {@code fromSk
 * <= sk <= toSk}, at most {@code limit} of them (0: all).
 */
public record ItemQuery(String pk, String fromSk, String toSk, int limit) {
  public ItemQuery {
    if (pk == null || pk.isEmpty()) {
      throw new IllegalArgumentException("pk is required");
    }
    if ((fromSk == null) != (toSk == null)) {
      throw new IllegalArgumentException("give both ends of a sort-key range, or neither");
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0");
    }
  }

  /** Every item of the partition. */
  public static ItemQuery partition(String pk) {
    return new ItemQuery(pk, null, null, 0);
  }

  /** Items with {@code from <= sk <= to}. */
  public static ItemQuery between(String pk, String from, String to) {
    return new ItemQuery(pk, from, to, 0);
  }

  public ItemQuery limit(int n) {
    return new ItemQuery(pk, fromSk, toSk, n);
  }

  /** Whether {@code sk} is inside the range. */
  public boolean covers(String sk) {
    return fromSk == null || (sk.compareTo(fromSk) >= 0 && sk.compareTo(toSk) <= 0);
  }
}
