package dev.tally.core.item;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a write does to an item, for engines that read, change and store whole items (the embedded
 * engine, the in-memory fake). DynamoDB does the same server-side.
 */
public final class ItemMath {
  private ItemMath() {}

  /** The item after {@code w}, or null when it is deleted. The condition is not checked here. */
  public static Item apply(Item current, ItemWrite w) {
    if (w instanceof ItemWrite.Put p) {
      return p.item();
    }
    if (w instanceof ItemWrite.Delete) {
      return null;
    }
    ItemWrite.Update u = (ItemWrite.Update) w;
    Map<String, AttrValue> attrs =
        current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current.attrs());
    applyTo(attrs, u);
    return new Item(w.key(), attrs);
  }

  /**
   * Applies an update to attributes the caller owns, in place: for engines that decode an item into
   * a fresh map anyway, so a large item is not copied once more per write.
   */
  public static void applyTo(Map<String, AttrValue> attrs, ItemWrite.Update u) {
    u.add()
        .forEach(
            (name, amount) -> {
              AttrValue old = attrs.get(name);
              long base = 0;
              if (old instanceof AttrValue.Num n) {
                base = n.value();
              } else if (old != null) {
                throw new IllegalArgumentException("cannot add to non-number attribute " + name);
              }
              attrs.put(name, AttrValue.num(Math.addExact(base, amount)));
            });
    attrs.putAll(u.set());
    u.addMarks()
        .forEach(
            (name, marks) -> {
              Set<Long> all = new TreeSet<>(marks);
              AttrValue old = attrs.get(name);
              if (old instanceof AttrValue.Marks m) {
                all.addAll(m.values());
              } else if (old != null) {
                throw new IllegalArgumentException("cannot add marks to attribute " + name);
              }
              attrs.put(name, AttrValue.marks(all));
            });
    u.remove().forEach(attrs::remove);
  }

  /** Whether an item has expired at {@code nowSeconds}. */
  public static boolean expired(Item item, long nowSeconds) {
    Long exp = item.numOrNull(ItemStore.EXPIRES_AT);
    return exp != null && exp <= nowSeconds;
  }
}
