package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.agg.CustomerOrders.Purchase;
import dev.tally.core.agg.Keys.UserDay;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Json;
import dev.tally.core.event.PageEvent;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.Store;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerOrdersTest {
  static final Store STORE = Store.of("shop", "Europe/Paris", "EUR", List.of());
  static final Instant T = Instant.parse("2025-03-20T22:30:00Z"); // 23:30 in Paris

  private static Event track(String id, String anon, String user, String name, ObjectNode p) {
    return new TrackEvent(
        new EventHeader(id, anon, user, T, null, null, T, null), name, Props.of(p));
  }

  private static ObjectNode order(String currency, String revenue) {
    ObjectNode p = Json.mapper().createObjectNode();
    if (currency != null) {
      p.put("currency", currency);
    }
    p.put("revenue", new BigDecimal(revenue));
    return p;
  }

  private static List<ResolvedEvent> resolved(Event... events) {
    List<ResolvedEvent> out = new ArrayList<>();
    for (Event e : events) {
      out.add(ResolvedEvent.unlinked(e));
    }
    return out;
  }

  @Test
  void completedOrders_countUnderTheUid_onTheStoreLocalDay_withStoreCurrencyRevenueOnly() {
    Map<UserDay, Purchase> p =
        CustomerOrders.of(
            STORE,
            resolved(
                track("1", "a1", "alice", "Order Completed", order("EUR", "10.50")),
                track("2", "a1", "alice", "Order Completed", order(null, "2.00")),
                track("3", "a1", "alice", "Order Completed", order("USD", "99.00")),
                track("4", "guest", null, "Order Completed", order("EUR", "5")),
                track("5", "a1", "alice", "Order Refunded", order("EUR", "10.50")),
                track("6", "a1", "alice", "Product Viewed", order("EUR", "1")),
                new PageEvent(
                    new EventHeader("7", "a1", "alice", T, null, null, T, null),
                    "Home",
                    Props.empty())));
    LocalDate paris = LocalDate.of(2025, 3, 20);
    assertThat(p)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                new UserDay("alice", paris), new Purchase(3, 1_250),
                new UserDay("guest", paris), new Purchase(1, 500)));
  }

  @Test
  void anySplitOfTheSameEvents_sumsToTheSamePurchases() {
    List<ResolvedEvent> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.addAll(
          resolved(
              track(
                  "m" + i,
                  "a" + (i % 4),
                  i % 3 == 0 ? null : "u" + (i % 5),
                  "Order Completed",
                  order(i % 7 == 0 ? "USD" : "EUR", i + ".25"))));
    }
    Map<UserDay, Purchase> whole = CustomerOrders.of(STORE, all);
    for (int cut = 1; cut < all.size(); cut += 7) {
      Map<UserDay, Purchase> merged =
          new java.util.HashMap<>(CustomerOrders.of(STORE, all.subList(0, cut)));
      CustomerOrders.of(STORE, all.subList(cut, all.size()))
          .forEach((k, v) -> merged.merge(k, v, Purchase::plus));
      assertThat(merged).as("cut at %d", cut).isEqualTo(whole);
    }
  }
}
