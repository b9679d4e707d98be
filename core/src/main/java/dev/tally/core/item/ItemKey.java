package dev.tally.core.item;

/** The key of one item: a partition key and a sort key (an empty sort key on key-only tables). */
public record ItemKey(String pk, String sk) implements Comparable<ItemKey> {
  public ItemKey {
    if (pk == null || pk.isEmpty()) {
      throw new IllegalArgumentException("pk is required");
    }
    if (sk == null) {
      throw new IllegalArgumentException("sk is required (use \"\" on key-only tables)");
    }
  }

  public static ItemKey of(String pk, String sk) {
    return new ItemKey(pk, sk);
  }

  @Override
  public int compareTo(ItemKey o) {
    int c = pk.compareTo(o.pk);
    return c != 0 ? c : sk.compareTo(o.sk);
  }

  @Override
  public String toString() {
    return pk + "|" + sk;
  }
}
