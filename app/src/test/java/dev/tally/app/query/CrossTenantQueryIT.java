package dev.tally.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.event.Json;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Store A's read key never yields store B's data: every endpoint, every way of naming B, answers
 * with A's numbers or refuses. B's data is distinctive (ids {@code bstore-…}, {@code -99-} visitor
 * ids, EUR, amounts above 9,000) so any leak would show in the response text.
 */
class CrossTenantQueryIT {
  static TwoStores s;
  static final LocalDate TO = TwoStores.LAST_DAY;
  static final LocalDate FROM = TO.minusDays(TwoStores.DAYS - 1);

  @BeforeAll
  static void seed() {
    s = TwoStores.embedded();
  }

  /** Strings that appear only in store B's data. */
  static Set<String> bMarkers() {
    Set<String> m = new LinkedHashSet<>(List.of("bstore", "EUR", "America/New_York", "-99-"));
    for (LocalDate d = FROM; !d.isAfter(TO); d = d.plusDays(1)) {
      long revenue = s.b.counters(d, d).getOrDefault("revenue", 0L);
      if (revenue >= 900_000) {
        m.add("\"" + s.b.money(revenue) + "\"");
      }
    }
    m.add("\"" + s.b.money(s.b.counters(FROM, TO).getOrDefault("revenue", 0L)) + "\"");
    s.b
        .products(FROM, TO)
        .forEach(
            (id, c) -> {
              if (c.getOrDefault("revenue", 0L) >= 900_000) {
                m.add("\"" + s.b.money(c.get("revenue")) + "\"");
              }
            });
    return m;
  }

  static List<String> everyCall() {
    String r = "from=" + FROM + "&to=" + TO;
    String bUser =
        s.b.facts().stream().filter(f -> f.userId() != null).findFirst().orElseThrow().userId();
    String bAnon = s.b.facts().get(0).anon();
    List<String> calls =
        new ArrayList<>(
            List.of(
                "/api/v1/store",
                "/api/v1/funnel?" + r,
                "/api/v1/summary?" + r,
                "/api/v1/products/top?by=revenue&limit=100&" + r,
                "/api/v1/products/top?by=views&limit=100&" + r,
                "/api/v1/users/" + bUser + "/metrics?" + r,
                "/api/v1/users/" + bAnon + "/metrics?" + r,
                "/api/v1/users/bstore%23USER%23" + bUser + "/metrics?" + r,
                "/api/v1/users/..%2F..%2Fbstore/metrics?" + r));
    for (String m : dev.tally.query.SeriesMetric.ids()) {
      calls.add("/api/v1/timeseries?metric=" + m + "&interval=week&" + r);
    }
    List<String> withStore = new ArrayList<>();
    for (String c : calls) {
      withStore.add(c + (c.contains("?") ? "&" : "?") + "store=bstore");
    }
    calls.addAll(withStore);
    return calls;
  }

  @Test
  void storeAsReadKey_neverReturnsStoreBsNumbers_fromAnyEndpoint() throws Exception {
    Set<String> markers = bMarkers();
    assertThat(markers.size()).as("B has distinctive amounts to look for").isGreaterThan(10);
    int answered = 0;
    for (String call : everyCall()) {
      HttpResponse<String> r = s.raw(call, s.aRead);
      assertThat(r.statusCode()).as(call).isIn(200, 404);
      if (call.contains("store=bstore")) {
        assertThat(r.statusCode()).as("naming store B with A's key: " + call).isEqualTo(404);
      }
      // The uid or store the caller asked for is echoed back: the caller's input, not B's data.
      String body =
          r.body().replaceAll("\"uid\":\"[^\"]*\"", "\"uid\":\"…\"").replace("'bstore'", "'…'");
      for (String marker : markers) {
        assertThat(body).as(call + " leaks " + marker).doesNotContain(marker);
      }
      answered += r.statusCode() == 200 ? 1 : 0;
    }
    assertThat(answered).as("A's key still gets A's answers").isGreaterThan(20);
  }

  @Test
  void storeBsUserIds_readWithAsKey_showNothing() throws Exception {
    String bUser =
        s.b.facts().stream().filter(f -> f.userId() != null).findFirst().orElseThrow().userId();
    var r = s.get("/api/v1/users/" + bUser + "/metrics?from=" + FROM + "&to=" + TO, s.aRead);
    assertThat(r.path("linkedIds")).isEmpty();
    assertThat(r.at("/totals/events").asLong()).isZero();
    assertThat(r.path("currency").asText()).isEqualTo("USD");
    // …while B's own key sees that user.
    var own = s.get("/api/v1/users/" + bUser + "/metrics?from=" + FROM + "&to=" + TO, s.bRead);
    assertThat(own.at("/totals/events").asLong()).isPositive();
  }

  @Test
  void namingAnotherStore_is404_wordedTheSameWhetherItExistsOrNot() throws Exception {
    String r = "/api/v1/funnel?from=" + FROM + "&to=" + TO;
    HttpResponse<String> existing = s.raw(r + "&store=bstore", s.aRead);
    HttpResponse<String> missing = s.raw(r + "&store=zstore", s.aRead);
    assertThat(existing.statusCode()).isEqualTo(404);
    assertThat(missing.statusCode()).isEqualTo(404);
    String e =
        Json.mapper().readTree(existing.body()).path("message").asText().replace("bstore", "X");
    String m =
        Json.mapper().readTree(missing.body()).path("message").asText().replace("zstore", "X");
    assertThat(e).isEqualTo(m);
    assertThat(s.raw(r + "&store=demo", s.aRead).statusCode()).isEqualTo(200);
  }

  @Test
  void writeKeysCannotRead_andReadKeysCannotWrite() throws Exception {
    for (String call : everyCall().subList(0, 6)) {
      assertThat(s.raw(call, s.bWrite).statusCode()).as(call).isEqualTo(401);
      assertThat(s.raw(call, s.aWrite).statusCode()).as(call).isEqualTo(401);
      assertThat(s.raw(call, "rk_" + "0".repeat(40)).statusCode()).as(call).isEqualTo(401);
      assertThat(s.raw(call, null).statusCode()).as(call).isEqualTo(401);
    }
    String event = "{\"anonymousId\":\"x\",\"event\":\"Cart Viewed\"}";
    assertThat(s.client.post("/v1/track", s.bRead, event).statusCode()).isEqualTo(401);
    assertThat(s.client.post("/v1/track", s.aRead, event).statusCode()).isEqualTo(401);
  }
}
