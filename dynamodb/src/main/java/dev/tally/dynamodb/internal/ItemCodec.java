package dev.tally.dynamodb.internal;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.dynamodb.Attr;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one mapping between Tally items and DynamoDB items: key attributes {@code pk} (and {@code sk}
 * unless key-only), numbers as N, strings as S, bytes as B, marks as a binary set of 8-byte
 * big-endian values, string sets as SS. Decoding never throws on data another writer left: numbers
 * outside the long range are clamped, fractions truncated, unknown types skipped (each logged
 * once).
 */
public final class ItemCodec {
  private static final Logger LOG = LoggerFactory.getLogger(ItemCodec.class);
  private static final BigDecimal MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final boolean keyOnly;

  public ItemCodec(boolean keyOnly) {
    this.keyOnly = keyOnly;
  }

  public boolean keyOnly() {
    return keyOnly;
  }

  /** The DynamoDB key of {@code k}; refuses a key the table cannot hold. */
  public Map<String, AttributeValue> key(ItemKey k) {
    if (keyOnly) {
      if (!k.sk().isEmpty()) {
        throw new IllegalArgumentException(
            "key-only table: the sort key must be \"\", got \"" + k.sk() + "\"");
      }
      return Map.of(Attr.PK, AttributeValue.fromS(k.pk()));
    }
    if (k.sk().isEmpty()) {
      throw new IllegalArgumentException(
          "this table has a sort key and DynamoDB refuses an empty one (key " + k + ")");
    }
    return Map.of(Attr.PK, AttributeValue.fromS(k.pk()), Attr.SK, AttributeValue.fromS(k.sk()));
  }

  /** The whole DynamoDB item: key attributes and every attribute. */
  public Map<String, AttributeValue> item(Item i) {
    Map<String, AttributeValue> out = new HashMap<>(key(i.key()));
    i.attrs()
        .forEach(
            (name, v) -> {
              checkName(name);
              out.put(name, encode(v));
            });
    return out;
  }

  /** Refuses an attribute name that would overwrite a key attribute. */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("attribute name is required");
    }
    if (name.equals(Attr.PK) || name.equals(Attr.SK)) {
      throw new IllegalArgumentException(
          "'" + name + "' is a key attribute, not an item attribute");
    }
  }

  /** The Tally item of a DynamoDB item (null stays null). */
  public Item decode(Map<String, AttributeValue> raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    String pk = raw.get(Attr.PK).s();
    AttributeValue sk = raw.get(Attr.SK);
    ItemKey key = ItemKey.of(pk, keyOnly || sk == null ? "" : sk.s());
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    raw.forEach(
        (name, v) -> {
          if (name.equals(Attr.PK) || (!keyOnly && name.equals(Attr.SK))) {
            return;
          }
          AttrValue a = decode(name, v);
          if (a != null) {
            attrs.put(name, a);
          }
        });
    return Item.of(key, attrs);
  }

  public static AttributeValue encode(AttrValue v) {
    if (v instanceof AttrValue.Num n) {
      return num(n.value());
    }
    if (v instanceof AttrValue.Str s) {
      return AttributeValue.fromS(s.value());
    }
    if (v instanceof AttrValue.Bin b) {
      return AttributeValue.fromB(SdkBytes.fromByteArray(b.unsafeBytes()));
    }
    if (v instanceof AttrValue.Marks m) {
      return marks(m.values());
    }
    if (v instanceof AttrValue.StrSet s) {
      return AttributeValue.fromSs(new ArrayList<>(s.values()));
    }
    throw new IllegalArgumentException("unsupported attribute value " + v);
  }

  public static AttributeValue num(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }

  /** A binary set of 8-byte big-endian values. */
  public static AttributeValue marks(Set<Long> values) {
    List<SdkBytes> out = new ArrayList<>(values.size());
    for (long m : values) {
      out.add(SdkBytes.fromByteArray(ByteBuffer.allocate(8).putLong(m).array()));
    }
    return AttributeValue.fromBs(out);
  }

  /** One attribute, or null when its type has no Tally counterpart (logged once per kind). */
  static AttrValue decode(String name, AttributeValue v) {
    switch (v.type()) {
      case N:
        return AttrValue.num(toLong(name, v.n()));
      case S:
        return AttrValue.str(v.s());
      case B:
        return AttrValue.bin(v.b().asByteArrayUnsafe());
      case SS:
        return v.ss().isEmpty() ? null : AttrValue.strs(new TreeSet<>(v.ss()));
      case BS:
        {
          Set<Long> marks = new TreeSet<>();
          for (SdkBytes b : v.bs()) {
            if (b.asByteArrayUnsafe().length != 8) {
              warnOnce("bs", "binary set {} holds a value of {} bytes, not 8; skipped", name, b);
              return null;
            }
            marks.add(ByteBuffer.wrap(b.asByteArrayUnsafe()).getLong());
          }
          return marks.isEmpty() ? null : AttrValue.marks(marks);
        }
      default:
        warnOnce(
            "type:" + v.type(), "attribute {} has type {}, unknown to Tally; skipped", name, v);
        return null;
    }
  }

  /** A DynamoDB number as a long: fractions truncated, out-of-range values clamped. */
  public static long toLong(String name, String n) {
    BigDecimal d = new BigDecimal(n);
    if (d.compareTo(MAX) > 0) {
      warnOnce("clamp", "number {} = {} is above the long range; read as Long.MAX_VALUE", name, n);
      return Long.MAX_VALUE;
    }
    if (d.compareTo(MIN) < 0) {
      warnOnce("clamp", "number {} = {} is below the long range; read as Long.MIN_VALUE", name, n);
      return Long.MIN_VALUE;
    }
    if (d.stripTrailingZeros().scale() > 0) {
      warnOnce("fraction", "number {} = {} has a fraction; truncated", name, n);
      return d.setScale(0, RoundingMode.DOWN).longValueExact();
    }
    return d.longValueExact();
  }

  private static void warnOnce(String kind, String message, String name, Object value) {
    if (WARNED.add(kind)) {
      LOG.warn(message + " (logged once)", name, value);
    }
  }
}
