package dev.tally.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.item.AttrValue;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ItemCodecTest {
  @Test
  void everyType_roundTrips_includingExtremes() {
    byte[] bytes = new byte[8 * 1024];
    new Random(7).nextBytes(bytes);
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("zero", AttrValue.num(0));
    attrs.put("one", AttrValue.num(1));
    attrs.put("neg", AttrValue.num(-1));
    attrs.put("max", AttrValue.num(Long.MAX_VALUE));
    attrs.put("min", AttrValue.num(Long.MIN_VALUE));
    attrs.put("empty", AttrValue.str(""));
    attrs.put("text", AttrValue.str("grüße, #|: \"quoted\" 🛒"));
    attrs.put("noBytes", AttrValue.bin(new byte[0]));
    attrs.put("hll", AttrValue.bin(bytes));
    attrs.put("seen", AttrValue.marks(Set.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE)));
    attrs.put("", AttrValue.str("an empty name is still a name"));

    Map<String, AttrValue> back = ItemCodec.decode(ItemCodec.encode(attrs));

    assertThat(back).isEqualTo(attrs);
    assertThat(back.keySet()).containsExactlyElementsOf(attrs.keySet());
  }

  @Test
  void noAttributes_roundTrip() {
    assertThat(ItemCodec.decode(ItemCodec.encode(Map.of()))).isEmpty();
  }

  @Test
  void smallCounters_takeFewBytes() {
    byte[] b = ItemCodec.encode(Map.of("views", AttrValue.num(3)));
    // version, count, name length, "views", tag, one varint byte
    assertThat(b).hasSize(1 + 1 + 1 + 5 + 1 + 1);
  }

  @Test
  void garbage_isRejectedWithAClearMessage() {
    byte[] good =
        ItemCodec.encode(
            Map.of(
                "n",
                AttrValue.num(5),
                "s",
                AttrValue.str("abc"),
                "m",
                AttrValue.marks(Set.of(9L))));
    assertCorrupt(new byte[0], "no bytes");
    assertCorrupt(new byte[] {9, 0}, "unknown version 9");
    assertCorrupt(Arrays.copyOf(good, good.length - 1), "");
    assertCorrupt(Arrays.copyOf(good, good.length + 1), "trailing bytes");
    // One attribute named "a" with an unknown tag.
    assertCorrupt(new byte[] {1, 1, 1, 'a', 42, 0}, "unknown type tag 42");
    // A length far beyond the bytes left.
    assertCorrupt(new byte[] {1, 1, (byte) 0xff, (byte) 0xff, 0x7f}, "exceeds the bytes left");
    // An eleven-byte varint.
    byte[] overlong = new byte[14];
    overlong[0] = 1;
    overlong[1] = 1;
    overlong[2] = 1;
    overlong[3] = 'a';
    overlong[4] = 1;
    Arrays.fill(overlong, 5, 14, (byte) 0xff);
    assertCorrupt(overlong, "");
    // Invalid UTF-8 in a name.
    assertCorrupt(new byte[] {1, 1, 1, (byte) 0xc3, 1, 0}, "invalid UTF-8");
    // An empty mark set.
    assertCorrupt(new byte[] {1, 1, 1, 'm', 4, 0}, "mark count 0");
    // The same name twice.
    assertCorrupt(new byte[] {1, 2, 1, 'a', 1, 0, 1, 'a', 1, 2}, "appears twice");
  }

  @Test
  void randomBytes_decodeOrFailWithTheCodecsOwnError() {
    Random r = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[1 + r.nextInt(40)];
      r.nextBytes(b);
      b[0] = (byte) ItemCodec.VERSION;
      b[1 % b.length] = (byte) r.nextInt(4);
      try {
        ItemCodec.decode(b);
      } catch (IllegalArgumentException e) {
        assertThat(e).hasMessageStartingWith("corrupt item attributes");
      }
    }
  }

  private static void assertCorrupt(byte[] bytes, String detail) {
    assertThatThrownBy(() -> ItemCodec.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("corrupt item attributes")
        .hasMessageContaining(detail);
  }
}
