package dev.tally.app.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.StoreShoppers.Line;
import dev.tally.app.sim.StoreShoppers.Product;
import dev.tally.app.sim.StoreShoppers.Visit;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.ParseOptions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StoreShoppersTest {
  static final Instant END = Instant.parse("2026-11-20T15:00:00Z");
  static final List<Product> CATALOG =
      List.of(
          new Product(
              "night-garden", "TP-001", "Night Garden", "Ravi Iyer", new BigDecimal("66.00"), 5),
          new Product(
              "paper-moons", "TP-002", "Paper Moons", "Theo Brandt", new BigDecimal("41.25"), 15),
          new Product(
              "small-comet", "TP-003", "Small Comet", "Theo Brandt", new BigDecimal("24.00"), 30),
          new Product(
              "iron-bloom", "TP-004", "Iron Bloom", "Sven Aalto", new BigDecimal("71.00"), 0));

  static List<Visit> visits(long seed, int n) {
    return IntStream.range(0, n).mapToObj(i -> StoreShoppers.plan(seed, i, CATALOG, END)).toList();
  }

  @Test
  void sameSeedAndShopper_giveTheSameVisit_otherSeedsAnother() {
    assertThat(StoreShoppers.plan(5, 3, CATALOG, END))
        .isEqualTo(StoreShoppers.plan(5, 3, CATALOG, END));
    assertThat(StoreShoppers.plan(6, 3, CATALOG, END).anonymousId())
        .isNotEqualTo(StoreShoppers.plan(5, 3, CATALOG, END).anonymousId());
  }

  @Test
  void everyEvent_isValidSegment_withTheVisitsAnonymousId_andAUniqueMessageId() {
    Set<String> ids = new HashSet<>();
    EventParser parser = new EventParser(ParseOptions.live());
    for (Visit v : visits(1, 200)) {
      for (ObjectNode e : v.events()) {
        assertThat(e.path("anonymousId").asText()).isEqualTo(v.anonymousId());
        assertThat(ids.add(e.path("messageId").asText())).as("duplicate messageId").isTrue();
        // Throws on anything ingest would refuse.
        parser.parse(e, null, EventParser.BatchContext.at(END), Currency.getInstance("USD"));
      }
    }
  }

  @Test
  void productEvents_useTheCatalogsIdsAndPrices_andNeverASoldOutPrint() {
    Map<String, Product> byId =
        CATALOG.stream().collect(Collectors.toMap(Product::id, Function.identity()));
    for (Visit v : visits(2, 200)) {
      for (ObjectNode e : v.events()) {
        if (e.path("event").asText().startsWith("Product ")) {
          Product p = byId.get(e.at("/properties/product_id").asText());
          assertThat(p).isNotNull();
          assertThat(p.stock()).isPositive();
          assertThat(e.at("/properties/price").decimalValue()).isEqualByComparingTo(p.price());
        }
      }
    }
  }

  @Test
  void orderedItems_wereAddedToTheCart_withinStock_afterACheckoutStarted() {
    for (Visit v : visits(3, 200)) {
      Map<String, Long> added =
          v.events().stream()
              .filter(e -> e.path("event").asText().equals("Product Added"))
              .collect(
                  Collectors.groupingBy(
                      e -> e.at("/properties/product_id").asText(), Collectors.counting()));
      for (Line l : v.order()) {
        assertThat((long) l.quantity()).isEqualTo(added.get(l.productId()));
        assertThat(l.quantity())
            .isLessThanOrEqualTo(
                CATALOG.stream()
                    .filter(p -> p.id().equals(l.productId()))
                    .findFirst()
                    .orElseThrow()
                    .stock());
      }
      if (!v.order().isEmpty()) {
        assertThat(v.events()).anyMatch(e -> e.path("event").asText().equals("Checkout Started"));
      }
    }
  }

  @Test
  void signedInShoppers_identifyOnce_andLaterEventsCarryTheUserId() {
    for (Visit v : visits(4, 200)) {
      List<ObjectNode> identifies =
          v.events().stream().filter(e -> e.path("type").asText().equals("identify")).toList();
      if (v.userId() == null) {
        assertThat(identifies).isEmpty();
        assertThat(v.events()).noneMatch(e -> e.has("userId"));
        continue;
      }
      assertThat(identifies).hasSize(1);
      int at = v.events().indexOf(identifies.get(0));
      assertThat(v.events().subList(at, v.events().size()))
          .allMatch(e -> e.path("userId").asText().equals(v.userId()));
      assertThat(v.events().subList(0, at)).noneMatch(e -> e.has("userId"));
    }
  }

  @Test
  void timestamps_riseThroughTheVisit_andEndAtTheGivenInstant() {
    Visit v = StoreShoppers.plan(9, 0, CATALOG, END);
    List<Instant> times =
        v.events().stream().map(e -> Instant.parse(e.path("timestamp").asText())).toList();
    assertThat(times).isSorted();
    assertThat(times.get(times.size() - 1)).isEqualTo(END);
  }

  @Test
  void aCrowdOfShoppers_looksLikeAStore_someBrowseSomeBuySomeSignIn() {
    List<Visit> crowd = visits(7, 300);
    long buyers = crowd.stream().filter(v -> !v.order().isEmpty()).count();
    long signedIn = crowd.stream().filter(v -> v.userId() != null).count();
    assertThat(buyers).isBetween(30L, 150L);
    assertThat(signedIn).isBetween(30L, 200L);
    assertThat(crowd.stream().filter(v -> v.order().isEmpty()).count()).isGreaterThan(buyers);
  }

  @Test
  void orderRequest_isWhatTheCheckoutPageSends() throws Exception {
    Visit v = new Visit("anon-1", "ada", List.of(), List.of(new Line("paper-moons", 2)));
    JsonNode body = Json.mapper().readTree(v.orderRequest());
    assertThat(body.toString())
        .isEqualTo(
            "{\"userId\":\"ada\",\"anonymousId\":\"anon-1\",\"items\":[{\"productId\":\"paper-moons\",\"quantity\":2}]}");
    assertThat(
            Json.mapper()
                .readTree(new Visit("anon-2", null, List.of(), List.of()).orderRequest())
                .path("userId")
                .isNull())
        .isTrue();
  }

  @Test
  void aCatalogWithNothingInStock_isRefusedClearly() {
    assertThatThrownBy(() -> StoreShoppers.plan(1, 0, List.of(CATALOG.get(3)), END))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no product in stock");
  }
}
