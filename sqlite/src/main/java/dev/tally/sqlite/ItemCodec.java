package dev.tally.sqlite;

import dev.tally.core.item.AttrValue;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The binary form of an item's attributes, stored in the {@code attrs} column. Compact because a
 * write rewrites whole items: a version byte, the attribute count, then per attribute its name, a
 * type tag and the value. Lengths and counts are unsigned varints; numbers are zigzag varints
 * (counters are mostly small); marks are fixed 8-byte longs (they are hashes, so varints would not
 * shrink them). Decoding checks every length, tag and byte, and rejects what it cannot read.
 */
final class ItemCodec {
  static final int VERSION = 1;

  private static final int NUM = 1;
  private static final int STR = 2;
  private static final int BIN = 3;
  private static final int MARKS = 4;
  private static final int STRS = 5;

  private ItemCodec() {}

  static byte[] encode(Map<String, AttrValue> attrs) {
    Out out = new Out(16 + attrs.size() * 16);
    out.write(VERSION);
    out.varint(attrs.size());
    for (Map.Entry<String, AttrValue> a : attrs.entrySet()) {
      out.bytes(a.getKey().getBytes(StandardCharsets.UTF_8));
      AttrValue v = a.getValue();
      if (v instanceof AttrValue.Num n) {
        out.write(NUM);
        out.varint((n.value() << 1) ^ (n.value() >> 63));
      } else if (v instanceof AttrValue.Str s) {
        out.write(STR);
        out.bytes(s.value().getBytes(StandardCharsets.UTF_8));
      } else if (v instanceof AttrValue.Bin b) {
        out.write(BIN);
        out.bytes(b.unsafeBytes());
      } else if (v instanceof AttrValue.Marks m) {
        out.write(MARKS);
        out.varint(m.values().size());
        for (long mark : m.values()) {
          out.fixed64(mark);
        }
      } else if (v instanceof AttrValue.StrSet ss) {
        out.write(STRS);
        out.varint(ss.values().size());
        for (String e : ss.values()) {
          out.bytes(e.getBytes(StandardCharsets.UTF_8));
        }
      } else {
        throw new IllegalArgumentException("unknown attribute type " + v);
      }
    }
    return out.toArray();
  }

  /**
   * The attributes in {@code bytes}, in stored order.
   *
   * @throws IllegalArgumentException when the bytes are not a valid encoding of this version
   */
  static Map<String, AttrValue> decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw corrupt("no bytes", 0);
    }
    In in = new In(bytes);
    int version = in.read();
    if (version != VERSION) {
      throw corrupt("unknown version " + version, 0);
    }
    int count = in.length();
    // Sized for its attributes: product and acquisition items hold hundreds.
    Map<String, AttrValue> attrs = new LinkedHashMap<>(Math.max(16, count * 4 / 3 + 1));
    for (int i = 0; i < count; i++) {
      int at = in.pos;
      String name = in.string();
      AttrValue value =
          switch (in.read()) {
            case NUM -> {
              long z = in.varint();
              yield AttrValue.num((z >>> 1) ^ -(z & 1));
            }
            case STR -> AttrValue.str(in.string());
            case BIN -> AttrValue.bin(in.bytes());
            case MARKS -> AttrValue.marks(in.marks());
            case STRS -> AttrValue.strs(in.strings());
            default -> throw corrupt("unknown type tag " + bytes[in.pos - 1], in.pos - 1);
          };
      if (attrs.put(name, value) != null) {
        throw corrupt("attribute " + name + " appears twice", at);
      }
    }
    if (in.pos != bytes.length) {
      throw corrupt((bytes.length - in.pos) + " trailing bytes", in.pos);
    }
    return attrs;
  }

  private static IllegalArgumentException corrupt(String what, int at) {
    return new IllegalArgumentException("corrupt item attributes: " + what + " at byte " + at);
  }

  /** A growable byte buffer. */
  private static final class Out {
    private byte[] buf;
    private int len;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    void write(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void fixed64(long v) {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[len++] = (byte) (v >>> shift);
      }
    }

    void bytes(byte[] b) {
      varint(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, len);
    }
  }

  /** A bounds-checked reader. */
  private static final class In {
    private final byte[] buf;
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;

    In(byte[] buf) {
      this.buf = buf;
    }

    int read() {
      if (pos >= buf.length) {
        throw corrupt("unexpected end", pos);
      }
      return buf[pos++] & 0xff;
    }

    long varint() {
      int start = pos;
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = read();
        if (shift == 63 && b > 1) {
          throw corrupt("varint overflows 64 bits", start);
        }
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw corrupt("varint longer than 10 bytes", start);
    }

    /** A count or length: fits an int and the bytes left (every counted thing takes a byte). */
    int length() {
      int at = pos;
      long n = varint();
      if (n < 0 || n > buf.length - pos) {
        throw corrupt("length " + Long.toUnsignedString(n) + " exceeds the bytes left", at);
      }
      return (int) n;
    }

    byte[] bytes() {
      int n = length();
      byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return out;
    }

    String string() {
      int n = length();
      int at = pos;
      try {
        CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(buf, pos, n));
        pos += n;
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw corrupt("invalid UTF-8", at);
      }
    }

    Set<Long> marks() {
      int at = pos;
      int n = length();
      if (n == 0 || (long) n * 8 > buf.length - pos) {
        throw corrupt("mark count " + n + " does not fit", at);
      }
      Set<Long> out = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        long v = 0;
        for (int b = 0; b < 8; b++) {
          v = (v << 8) | (buf[pos++] & 0xff);
        }
        out.add(v);
      }
      return out;
    }

    Set<String> strings() {
      int at = pos;
      int n = length();
      if (n == 0 || n > buf.length - pos) {
        throw corrupt("string count " + n + " does not fit", at);
      }
      Set<String> out = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        out.add(string());
      }
      return out;
    }
  }
}
