package dev.tally.bench.internal;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import java.nio.charset.StandardCharsets;

/**
 * DynamoDB's write-capacity rules applied to Tally items, so that write cost can be stated the same
 * way on every engine: an item's size is its attribute names plus values, the key attributes {@code
 * pk} and {@code sk} included; a write costs one unit per started KB of the item written, two
 * inside a transaction.
 */
public final class WriteUnits {
  private WriteUnits() {}

  /** The item's size in bytes as DynamoDB counts it (numbers: about 1 byte per 2 digits + 2). */
  public static long size(Item item) {
    long size = utf8("pk") + utf8(item.key().pk());
    if (!item.key().sk().isEmpty()) {
      size += utf8("sk") + utf8(item.key().sk());
    }
    for (var a : item.attrs().entrySet()) {
      size += utf8(a.getKey()) + size(a.getValue());
    }
    return size;
  }

  /** Write units of writing {@code item} once; 1 for an item that is absent after the write. */
  public static int units(Item item) {
    return item == null ? 1 : (int) Math.max(1, (size(item) + 1023) / 1024);
  }

  private static long size(AttrValue v) {
    if (v instanceof AttrValue.Num n) {
      return Long.toString(n.value()).replace("-", "").length() / 2 + 2;
    }
    if (v instanceof AttrValue.Str s) {
      return utf8(s.value());
    }
    if (v instanceof AttrValue.Bin b) {
      return b.unsafeBytes().length;
    }
    if (v instanceof AttrValue.Marks m) {
      return 8L * m.values().size();
    }
    if (v instanceof AttrValue.StrSet ss) {
      return ss.values().stream().mapToLong(WriteUnits::utf8).sum();
    }
    return 1;
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
