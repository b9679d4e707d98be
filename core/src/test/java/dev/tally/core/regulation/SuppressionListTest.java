package dev.tally.core.regulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.ParseOptions;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.ItemKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuppressionListTest {
  final InMemoryItemStore items = InMemoryItemStore.create();
  final ItemSuppressionList list = new ItemSuppressionList(items, Clock.systemUTC());

  @Test
  void suppressedIds_areStoredAsHashesPerStore_only() {
    list.suppress("shop", List.of("u1", "a1"));

    assertThat(list.suppressedAmong("shop", List.of("u1", "a1", "u2")))
        .containsExactlyInAnyOrder("u1", "a1");
    assertThat(list.suppressedAmong("other", List.of("u1"))).isEmpty();
    assertThat(items.get(ItemKey.of("SUPPRESS#" + SubjectHash.of("shop", "u1"), ""))).isPresent();
    assertThat(
            items.get(ItemKey.of("SUPPRESS#" + SubjectHash.of("shop", "u1"), "")).get().toString())
        .doesNotContain("u1");
    list.unsuppress("shop", List.of("u1"));
    assertThat(list.suppressedAmong("shop", List.of("u1", "a1"))).containsExactly("a1");
  }

  @Test
  void drop_removesEventsNamingASuppressedId_asUserAnonymousOrAliasPreviousId() {
    list.suppress("shop", List.of("gone"));
    List<Event> events =
        List.of(
            event("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"gone\"}"),
            event("{\"type\":\"track\",\"event\":\"E\",\"anonymousId\":\"gone\"}"),
            event("{\"type\":\"alias\",\"userId\":\"new\",\"previousId\":\"gone\"}"),
            event("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"stays\"}"));

    assertThat(Suppressed.drop(list, "shop", events)).hasSize(1);
    assertThat(Suppressed.drop(list, "other", events)).hasSize(4);
    assertThat(Suppressed.drop(SuppressionList.NONE, "shop", events)).hasSize(4);
  }

  @Test
  void regulation_rejectsBadInput_withAMessage_andForgetsIdsWhenDone() {
    assertThatThrownBy(
            () ->
                new Regulation(
                    "r",
                    "shop",
                    RegulationType.SUPPRESS,
                    SubjectType.USER_ID,
                    List.of(),
                    Instant.now()))
        .hasMessageContaining("subjectIds");
    Regulation r =
        new Regulation(
            "r",
            "shop",
            RegulationType.SUPPRESS,
            SubjectType.USER_ID,
            List.of("u1"),
            Instant.now());
    RegulationState s =
        RegulationState.pending(r, List.of("a"), Instant.now()).withIds(Set.of("a1"));
    RegulationState forgotten = s.forgetIds();
    assertThat(ItemRegulations.toJson(forgotten).toString())
        .doesNotContain("\"u1\"")
        .doesNotContain("\"a1\"");
    assertThat(forgotten.ids())
        .contains(SubjectHash.of("shop", "u1"), SubjectHash.of("shop", "a1"));
  }

  private static Event event(String json) {
    try {
      ObjectNode n = (ObjectNode) Json.mapper().readTree(json);
      n.put("messageId", "m-" + json.hashCode());
      return new EventParser(ParseOptions.live())
          .parse(n, null, EventParser.BatchContext.at(Instant.now()), Currency.getInstance("USD"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
