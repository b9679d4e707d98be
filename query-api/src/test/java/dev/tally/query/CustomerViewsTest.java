package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CustomerViewsTest {
  static final String READ = "rk_shop";
  InMemoryItemStore items;
  QueryService service;

  @BeforeEach
  void setUp() {
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(Store.of("shop", "UTC", "USD", List.of()), "wk_shop", READ);
    items = InMemoryItemStore.create();
    service = new QueryService(stores, new MetricsReader(items), new QueryConfig(4, 1000, 1000));
  }

  /** What the writer stores for one order: index, buyers day/week/month, person-day seen times. */
  private void order(String uid, LocalDate day, long cents, Instant at) {
    List<ItemWrite> w = new ArrayList<>();
    w.add(
        ItemWrite.update(MetricKeys.customerKey("shop", uid))
            .add(MetricKeys.ORDERS_COMPLETED, 1)
            .add(MetricKeys.REVENUE, cents)
            .addMarks(MetricKeys.ORDER_DAYS, List.of(day.toEpochDay()))
            .build());
    for (String pk : MetricKeys.buyersPks("shop", day)) {
      w.add(
          ItemWrite.update(ItemKey.of(pk, MetricKeys.customerSk(uid)))
              .add(MetricKeys.ORDERS_COMPLETED, 1)
              .add(MetricKeys.REVENUE, cents)
              .build());
    }
    items.write(w);
    seen(uid, day, at);
  }

  private void seen(String uid, LocalDate day, Instant at) {
    ItemKey k = ItemKey.of(MetricKeys.userPk("shop", uid), MetricKeys.daySk(day));
    Item cur = items.get(k).orElse(null);
    Long first = cur == null ? null : cur.numOrNull(MetricKeys.FIRST_SEEN);
    Long last = cur == null ? null : cur.numOrNull(MetricKeys.LAST_SEEN);
    long t = at.toEpochMilli();
    items.write(
        List.of(
            ItemWrite.update(k)
                .add("events", 1)
                .set(MetricKeys.FIRST_SEEN, AttrValue.num(first == null ? t : Math.min(first, t)))
                .set(MetricKeys.LAST_SEEN, AttrValue.num(last == null ? t : Math.max(last, t)))
                .build()));
  }

  private JsonNode ok(String path, Map<String, String> q) {
    QueryResponse r = service.handle(new QueryRequest("GET", path, q, "Bearer " + READ));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body();
  }

  private static List<String> uids(JsonNode view) {
    List<String> out = new ArrayList<>();
    view.path("customers").forEach(c -> out.add(c.path("uid").asText()));
    return out;
  }

  private void shop() {
    LocalDate d1 = LocalDate.parse("2026-10-05");
    LocalDate d2 = LocalDate.parse("2026-11-03");
    LocalDate d3 = LocalDate.parse("2026-11-20");
    seen("alice", LocalDate.parse("2026-09-01"), Instant.parse("2026-09-01T08:00:00Z"));
    order("alice", d1, 5_000, Instant.parse("2026-10-05T10:00:00Z"));
    order("alice", d2, 1_000, Instant.parse("2026-11-03T10:00:00Z"));
    seen("alice", LocalDate.parse("2026-11-25"), Instant.parse("2026-11-25T18:00:00Z"));
    order("bob", d2, 3_000, Instant.parse("2026-11-03T11:00:00Z"));
    order("bob", d2, 250, Instant.parse("2026-11-03T12:00:00Z"));
    order("alan", d3, 100, Instant.parse("2026-11-20T09:00:00Z"));
  }

  @Test
  void top_ranksByTheRangesRevenue_recent_byTheLastOrderDay_withLifetimeFiguresAndSeenTimes() {
    shop();
    JsonNode top =
        ok("/api/v1/customers", Map.of("from", "2026-11-01", "to", "2026-11-30", "sort", "top"));
    assertThat(uids(top)).containsExactly("bob", "alice", "alan");
    JsonNode alice = top.path("customers").get(1);
    assertThat(alice.path("rangeOrdersCompleted").asLong()).isEqualTo(1);
    assertThat(alice.path("rangeRevenue").asText()).isEqualTo("10.00");
    assertThat(alice.path("ordersCompleted").asLong()).isEqualTo(2);
    assertThat(alice.path("revenue").asText()).isEqualTo("60.00");
    assertThat(alice.path("firstSeen").asText()).isEqualTo("2026-09-01T08:00:00Z");
    assertThat(alice.path("lastSeen").asText()).isEqualTo("2026-11-25T18:00:00Z");
    assertThat(alice.path("firstOrderDay").asText()).isEqualTo("2026-10-05");
    assertThat(alice.path("lastOrderDay").asText()).isEqualTo("2026-11-03");
    assertThat(top.path("complete").asBoolean()).isTrue();

    JsonNode recent = ok("/api/v1/customers", Map.of("from", "2026-11-01", "to", "2026-11-30"));
    assertThat(recent.path("sort").asText()).isEqualTo("recent");
    assertThat(uids(recent)).containsExactly("alan", "bob", "alice");
    assertThat(recent.path("customers").get(0).path("rangeLastOrderDay").asText())
        .isEqualTo("2026-11-20");
    JsonNode two =
        ok("/api/v1/customers", Map.of("from", "2026-10-01", "to", "2026-11-30", "limit", "2"));
    // Same last day (11-03): the range's revenue breaks the tie, and alice's includes October's.
    assertThat(uids(two)).containsExactly("alan", "alice");
    // October only: alice's first order.
    JsonNode october =
        ok("/api/v1/customers", Map.of("from", "2026-10-01", "to", "2026-10-31", "sort", "top"));
    assertThat(uids(october)).containsExactly("alice");
    assertThat(october.path("customers").get(0).path("rangeRevenue").asText()).isEqualTo("50.00");
  }

  @Test
  void prefixSearch_listsMatchingUidsInOrder_acrossShards_andSaysWhenThereAreMore() {
    shop();
    JsonNode al = ok("/api/v1/customers", Map.of("prefix", "al"));
    assertThat(uids(al)).containsExactly("alan", "alice");
    assertThat(al.path("more").asBoolean()).isFalse();
    assertThat(al.path("customers").get(1).has("rangeRevenue")).isFalse();
    JsonNode one = ok("/api/v1/customers", Map.of("prefix", "a", "limit", "1"));
    assertThat(uids(one)).containsExactly("alan");
    assertThat(one.path("more").asBoolean()).isTrue();
    assertThat(uids(ok("/api/v1/customers", Map.of("prefix", "zz")))).isEmpty();
  }

  @Test
  void emptyStore_answersEmptyLists() {
    assertThat(uids(ok("/api/v1/customers", Map.of("from", "2026-11-01", "to", "2026-11-30"))))
        .isEmpty();
    assertThat(uids(ok("/api/v1/customers", Map.of("prefix", "a")))).isEmpty();
  }

  @Test
  void garbledOrMissingAttributes_readAsAbsent_neverFailTheRead() {
    shop();
    items.putAll(
        List.of(
            Item.of(
                MetricKeys.customerKey("shop", "alice"),
                Map.of(
                    MetricKeys.ORDERS_COMPLETED, AttrValue.str("many"),
                    MetricKeys.ORDER_DAYS, AttrValue.str("x"))),
            Item.of(
                ItemKey.of(
                    MetricKeys.userPk("shop", "alice"),
                    MetricKeys.daySk(LocalDate.parse("2026-09-01"))),
                Map.of(MetricKeys.FIRST_SEEN, AttrValue.str("?"))),
            Item.of(
                ItemKey.of(
                    MetricKeys.buyersPk(
                        "shop",
                        new dev.tally.core.agg.Periods.Part(
                            dev.tally.core.agg.Periods.Kind.MONTH, LocalDate.parse("2026-11-01"))),
                    "junk"),
                Map.of())));
    JsonNode top =
        ok("/api/v1/customers", Map.of("from", "2026-11-01", "to", "2026-11-30", "sort", "top"));
    JsonNode alice = top.path("customers").get(1);
    assertThat(alice.path("uid").asText()).isEqualTo("alice");
    assertThat(alice.path("ordersCompleted").asLong()).isZero();
    assertThat(alice.path("firstOrderDay").isNull()).isTrue();
    assertThat(alice.path("firstSeen").asText()).isEqualTo("2026-10-05T10:00:00Z");
  }

  @Test
  void seenTimes_areFoundAcrossPagesOfDays_skippingDeviceOnlyDays() {
    LocalDate start = LocalDate.parse("2026-06-01");
    // 40 device-only days (marks and steps, no seen times), then the person's own days.
    for (int d = 0; d < 40; d++) {
      items.write(
          List.of(
              ItemWrite.update(
                      ItemKey.of(
                          MetricKeys.userPk("shop", "pat"), MetricKeys.daySk(start.plusDays(d))))
                  .add(MetricKeys.STEPS, 1)
                  .build()));
    }
    Instant firstSeen = Instant.parse("2026-07-15T07:00:00Z");
    seen("pat", LocalDate.parse("2026-07-15"), firstSeen);
    order("pat", LocalDate.parse("2026-07-16"), 700, Instant.parse("2026-07-16T10:00:00Z"));
    Instant last = null;
    for (int d = 0; d < 70; d++) {
      last = Instant.parse("2026-07-17T12:00:00Z").plusSeconds(86_400L * d);
      seen("pat", LocalDate.parse("2026-07-17").plusDays(d), last);
    }
    JsonNode pat = ok("/api/v1/customers", Map.of("prefix", "pat")).path("customers").get(0);
    assertThat(pat.path("firstSeen").asText()).isEqualTo(firstSeen.toString());
    assertThat(pat.path("lastSeen").asText()).isEqualTo(last.toString());
  }

  @Test
  void badParameters_get400sThatNameTheProblem() {
    Map<String, String> range = Map.of("from", "2026-11-01", "to", "2026-11-30");
    assertBad(with(range, "sort", "best"), "sort 'best' must be one of recent, top");
    assertBad(with(range, "limit", "0"), "limit '0'");
    assertBad(with(range, "limit", "101"), "from 1 to 100");
    assertBad(Map.of("to", "2026-11-30"), "from is required");
    assertBad(Map.of("prefix", ""), "prefix must not be empty");
    assertBad(Map.of("prefix", "x".repeat(101)), "prefix is 101 characters; at most 100");
    assertBad(Map.of("prefix", "a", "sort", "top"), "sort applies to range lists");
    assertBad(Map.of("prefix", "a", "limit", "x"), "limit 'x'");
  }

  private static Map<String, String> with(Map<String, String> m, String k, String v) {
    Map<String, String> out = new HashMap<>(m);
    out.put(k, v);
    return out;
  }

  private void assertBad(Map<String, String> q, String message) {
    QueryResponse r =
        service.handle(new QueryRequest("GET", "/api/v1/customers", q, "Bearer " + READ));
    assertThat(r.status()).as(q.toString()).isEqualTo(400);
    assertThat(r.body().path("message").asText()).contains(message);
  }

  @Test
  void acceptTextCsv_givesOneRowPerCustomer_withTheJsonsValues() {
    shop();
    QueryResponse r =
        service.handle(
            new QueryRequest(
                "GET",
                "/api/v1/customers",
                Map.of("from", "2026-11-01", "to", "2026-11-30", "sort", "top"),
                "Bearer " + READ,
                "text/csv"));
    assertThat(r.csv()).isEqualTo(Csv.of(r.body()));
    String[] lines = r.csv().split("\r\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0])
        .isEqualTo(
            "uid,firstSeen,lastSeen,firstOrderDay,lastOrderDay,ordersCompleted,revenue,"
                + "rangeOrdersCompleted,rangeRevenue,rangeLastOrderDay,currency");
    assertThat(lines[1])
        .startsWith("bob,2026-11-03T11:00:00Z,2026-11-03T12:00:00Z,")
        .endsWith(",2,32.50,2,32.50,,USD");
  }
}
