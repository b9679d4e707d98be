package dev.tally.dynamodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemCodecTest {
  private final ItemCodec sorted = new ItemCodec(false);

  @Test
  void everyAttributeType_roundTrips() {
    Item item =
        Item.of(
            ItemKey.of("p", "s"),
            Map.of(
                "n", AttrValue.num(Long.MIN_VALUE),
                "s", AttrValue.str(""),
                "b", AttrValue.bin(new byte[] {1, 2}),
                "m", AttrValue.marks(Set.of(7L, -7L)),
                "ss", AttrValue.strs(Set.of("a", "b"))));
    assertThat(sorted.decode(sorted.item(item))).isEqualTo(item);
  }

  @Test
  void numbers_areClampedAndTruncated_neverThrow() {
    assertThat(ItemCodec.toLong("x", "9223372036854775808")).isEqualTo(Long.MAX_VALUE);
    assertThat(ItemCodec.toLong("x", "-9223372036854775809")).isEqualTo(Long.MIN_VALUE);
    assertThat(ItemCodec.toLong("x", "1E+40")).isEqualTo(Long.MAX_VALUE);
    assertThat(ItemCodec.toLong("x", "-3.9")).isEqualTo(-3);
    assertThat(ItemCodec.toLong("x", "1.000")).isEqualTo(1);
    assertThat(ItemCodec.toLong("x", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void unknownTypesAndOddBinarySets_areSkipped() {
    Item got =
        sorted.decode(
            Map.of(
                "pk", AttributeValue.fromS("p"),
                "sk", AttributeValue.fromS("s"),
                "flag", AttributeValue.fromBool(true),
                "list", AttributeValue.fromL(java.util.List.of(AttributeValue.fromS("a"))),
                "odd",
                    AttributeValue.fromBs(java.util.List.of(SdkBytes.fromByteArray(new byte[3]))),
                "n", AttributeValue.fromN("1")));
    assertThat(got.attrs()).containsOnlyKeys("n");
  }

  @Test
  void keys_matchTheTableSchema() {
    ItemCodec keyOnly = new ItemCodec(true);
    assertThat(keyOnly.key(ItemKey.of("p", ""))).containsOnlyKeys("pk");
    assertThatThrownBy(() -> keyOnly.key(ItemKey.of("p", "s")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sorted.key(ItemKey.of("p", "")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(keyOnly.decode(Map.of("pk", AttributeValue.fromS("p"))).key())
        .isEqualTo(ItemKey.of("p", ""));
  }
}
