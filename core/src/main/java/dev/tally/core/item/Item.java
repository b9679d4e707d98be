package dev.tally.core.item;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One stored item: its key and its attributes (the key attributes are not among them). */
public record Item(ItemKey key, Map<String, AttrValue> attrs) {
  public Item {
    if (key == null) {
      throw new IllegalArgumentException("key is required");
    }
    attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
  }

  public static Item of(ItemKey key, Map<String, AttrValue> attrs) {
    return new Item(key, attrs);
  }

  public boolean has(String name) {
    return attrs.containsKey(name);
  }

  /** The number under {@code name}, or 0 when absent or not a number. */
  public long num(String name) {
    return attrs.get(name) instanceof AttrValue.Num n ? n.value() : 0L;
  }

  /** The number under {@code name}, or null when absent or not a number. */
  public Long numOrNull(String name) {
    return attrs.get(name) instanceof AttrValue.Num n ? n.value() : null;
  }

  /** The string under {@code name}, or null. */
  public String str(String name) {
    return attrs.get(name) instanceof AttrValue.Str s ? s.value() : null;
  }

  /** The bytes under {@code name}, or null. */
  public byte[] bin(String name) {
    return attrs.get(name) instanceof AttrValue.Bin b ? b.unsafeBytes() : null;
  }

  /** The marks under {@code name}, empty when absent. */
  public Set<Long> marks(String name) {
    return attrs.get(name) instanceof AttrValue.Marks m ? m.values() : Set.of();
  }

  /** The strings of the string set under {@code name}, empty when absent. */
  public Set<String> strs(String name) {
    return attrs.get(name) instanceof AttrValue.StrSet s ? s.values() : Set.of();
  }

  /** Every numeric attribute. */
  public Map<String, Long> numbers() {
    Map<String, Long> out = new LinkedHashMap<>();
    attrs.forEach(
        (k, v) -> {
          if (v instanceof AttrValue.Num n) {
            out.put(k, n.value());
          }
        });
    return out;
  }
}
