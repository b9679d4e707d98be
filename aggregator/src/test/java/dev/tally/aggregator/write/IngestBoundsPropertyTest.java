package dev.tally.aggregator.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.ParseOptions;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ingest guarantees apply-ability: events generated at and beyond every bound ingest enforces
 * (amounts, quantities, line and order totals, id and product-id lengths, client timestamps) are
 * either refused with a 4xx naming the field, or accepted and then applied by the writer without
 * error, even repeated as often as one item could receive in a day.
 */
class IngestBoundsPropertyTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Currency USD = Currency.getInstance("USD");
  private static final Store STORE = Store.of("shop", "UTC", "USD", List.of());
  private static final String[] NAMES = {
    "Order Completed", "Order Refunded", "Product Added", "Product Viewed", "Checkout Started"
  };

  record Case(long seed, ObjectNode json) {
    @Override
    public String toString() {
      return "seed " + seed;
    }
  }

  static Stream<Case> cases() {
    return IntStream.range(0, 400).mapToObj(i -> new Case(i, generate(new Random(7_000L + i))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void acceptedEvents_areAlwaysApplied_refusedOnesNameTheField(Case c) {
    EventParser parser = new EventParser(ParseOptions.live(), () -> "generated");
    Event event;
    try {
      event = parser.parse(c.json(), null, EventParser.BatchContext.at(NOW), USD);
    } catch (ValidationException e) {
      assertThat(e.getMessage()).as("a refusal names what is wrong").isNotBlank();
      return;
    }
    InMemoryItemStore items = InMemoryItemStore.create();
    ItemMetricWriter writer = new ItemMetricWriter(items, AggregatorConfig.defaults());
    assertThatCode(() -> writer.apply(STORE, List.of(event))).doesNotThrowAnyException();
    // The same maximal event, many times on one day: the sums stay exact longs.
    List<Event> copies = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      copies.add(withMessageId(event, c.seed() + "-" + i));
    }
    assertThatCode(() -> writer.apply(STORE, copies)).doesNotThrowAnyException();
    for (Item item : items.query(ItemQuery.partition(MetricKeys.storeShardPk("shop", 0)))) {
      item.numbers().values().forEach(v -> assertThat(v).isNotNegative());
    }
  }

  private static Event withMessageId(Event e, String id) {
    TrackEvent t = (TrackEvent) e;
    EventHeader h = t.header();
    return new TrackEvent(
        new EventHeader(
            id,
            h.anonymousId(),
            h.userId(),
            h.timestamp(),
            h.originalTimestamp(),
            h.sentAt(),
            h.receivedAt(),
            h.context()),
        t.event(),
        t.properties());
  }

  /** An order-ish event whose fields sit at, just under or just over each bound. */
  static ObjectNode generate(Random r) {
    ObjectNode e = Json.mapper().createObjectNode();
    e.put("type", "track");
    e.put("event", NAMES[r.nextInt(NAMES.length)]);
    e.put("messageId", "m-" + r.nextLong());
    e.put("anonymousId", id(r, EventHeader.MAX_ID_LENGTH));
    if (r.nextBoolean()) {
      e.put("userId", id(r, EventHeader.MAX_ID_LENGTH));
    }
    if (r.nextInt(4) == 0) {
      e.put("originalTimestamp", near(r, NOW).toString());
      e.put("sentAt", near(r, NOW).toString());
    } else {
      e.put("timestamp", NOW.minusSeconds(r.nextInt(3_600)).toString());
    }
    ObjectNode p = e.putObject("properties");
    p.put("product_id", id(r, EventParser.MAX_PRODUCT_ID_LENGTH));
    p.put("price", amount(r));
    if (r.nextBoolean()) {
      p.put("revenue", amount(r));
    }
    ArrayNode products = p.putArray("products");
    int lines = r.nextInt(4);
    for (int i = 0; i < lines; i++) {
      ObjectNode line = products.addObject();
      line.put("product_id", id(r, EventParser.MAX_PRODUCT_ID_LENGTH));
      line.put("price", amount(r));
      line.put("quantity", quantity(r));
    }
    return e;
  }

  private static String id(Random r, int max) {
    int len =
        switch (r.nextInt(4)) {
          case 0 -> max;
          case 1 -> max + 1;
          case 2 -> max - 1;
          default -> 1 + r.nextInt(20);
        };
    return "x".repeat(len);
  }

  private static BigDecimal amount(Random r) {
    long max = EventParser.MAX_AMOUNT_MINOR;
    long minor =
        switch (r.nextInt(5)) {
          case 0 -> max;
          case 1 -> max + 1;
          case 2 -> max / 2;
          case 3 -> Long.MAX_VALUE / 3;
          default -> r.nextInt(100_000);
        };
    return BigDecimal.valueOf(minor, 2);
  }

  private static long quantity(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> EventParser.MAX_QUANTITY;
      case 1 -> EventParser.MAX_QUANTITY + 1L;
      case 2 -> Integer.MAX_VALUE;
      case 3 -> 0;
      default -> 1 + r.nextInt(5);
    };
  }

  private static Instant near(Random r, Instant now) {
    return switch (r.nextInt(4)) {
      case 0 -> Instant.MAX;
      case 1 -> Instant.MIN;
      case 2 -> now.minusSeconds(101L * 366 * 86_400);
      default -> now.minusSeconds(r.nextInt(100_000));
    };
  }
}
