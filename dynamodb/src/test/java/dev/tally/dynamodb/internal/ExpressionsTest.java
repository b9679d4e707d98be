package dev.tally.dynamodb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemWrite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionsTest {
  private static final ItemKey K = ItemKey.of("p", "s");

  @Test
  void update_usesAPlaceholderForEveryNameAndValue() {
    Expressions x = new Expressions(1000);
    String u =
        x.update(
            ItemWrite.update(K)
                .add("views:p-1", 2)
                .addMarks("seen", List.of(1L))
                .set("name", AttrValue.str("a"))
                .remove("old")
                .build());
    assertThat(u).isEqualTo("ADD #n0 :v0, #n1 :v1 SET #n2 = :v2 REMOVE #n3");
    assertThat(x.names())
        .containsExactly(
            Map.entry("#n0", "views:p-1"),
            Map.entry("#n1", "seen"),
            Map.entry("#n2", "name"),
            Map.entry("#n3", "old"));
  }

  @Test
  void updates_applyToLiveItemsOnly() {
    Expressions x = new Expressions(1000);
    String c =
        x.condition(ItemWrite.update(K).add("ver", 1).when(Condition.versionIs("ver", 3L)).build());
    assertThat(c).isEqualTo("(#n0 = :v0) AND (attribute_not_exists(#n1) OR #n1 > :now)");
    assertThat(x.names()).containsEntry("#n1", "expiresAt");
    assertThat(x.values().get(":now").n()).isEqualTo("1000");
    assertThat(new Expressions(1).condition(ItemWrite.update(K).add("a", 1).build()))
        .isEqualTo("(attribute_not_exists(#n0) OR #n0 > :now)");
  }

  @Test
  void putsAndDeletes_treatExpiredItemsAsAbsent() {
    Item item = Item.of(K, Map.of());
    assertThat(new Expressions(1).condition(ItemWrite.put(item, Condition.ABSENT)))
        .isEqualTo("(attribute_not_exists(#n0)) OR (#n1 <= :now)");
    assertThat(new Expressions(1).condition(ItemWrite.delete(K, Condition.EXISTS)))
        .isEqualTo("(attribute_exists(#n0)) AND (attribute_not_exists(#n1) OR #n1 > :now)");
    assertThat(new Expressions(1).condition(ItemWrite.put(item, Condition.atLeast("stock", 2))))
        .isEqualTo("(#n0 >= :v0) AND (attribute_not_exists(#n1) OR #n1 > :now)");
    assertThat(new Expressions(1).condition(ItemWrite.put(item, Condition.NONE))).isNull();
  }
}
