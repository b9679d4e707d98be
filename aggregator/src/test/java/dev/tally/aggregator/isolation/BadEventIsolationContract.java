package dev.tally.aggregator.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.BadEvents;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.metrics.Events;
import dev.tally.testkit.metrics.MetricTable;
import dev.tally.testkit.metrics.Oracle;
import dev.tally.testkit.metrics.RawEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One bad event affects only itself: an event that can never be applied (an order whose price x
 * quantity overflows, written to the log by an older ingest) shares a log entry with innocent
 * events of other people. Every innocent event is counted exactly once, the bad one is kept with
 * its reason, and a redelivery of the whole entry changes nothing. Every engine's IT extends this.
 */
abstract class BadEventIsolationContract {
  static final Instant NOW = Instant.parse("2025-03-20T15:00:00Z");
  final Store store = Store.of("shop", "UTC", "USD", List.of());
  EngineTable table;
  AggregatorService service;
  BadEvents bad;

  protected abstract EngineTable freshTable();

  @BeforeEach
  void wire() {
    table = freshTable();
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(store, "wk", "rk");
    bad = new ItemBadEvents(table.store(), Clock.systemUTC());
    service =
        new AggregatorService(
            stores, new ItemMetricWriter(table.store(), AggregatorConfig.defaults()), bad);
  }

  /** An order ingest would refuse today: 9.2e16 x 1,000 overflows a long. */
  static Event poisonOrder(RawEvent template) {
    TrackEvent t = (TrackEvent) template.toEvent();
    EventHeader h = t.header();
    ObjectNode p = Json.mapper().createObjectNode().put("order_id", "poison");
    p.putArray("products")
        .addObject()
        .put("product_id", "p-poison")
        .put("price", 92_000_000_000_000_000L)
        .put("quantity", 1_000);
    return new TrackEvent(
        new EventHeader(
            "poison-1",
            "poisoner",
            null,
            h.timestamp(),
            h.originalTimestamp(),
            h.sentAt(),
            h.receivedAt(),
            h.context()),
        "Order Completed",
        Props.of(p));
  }

  @Test
  void poisonOrder_amongFortyInnocentEvents_costsNoInnocentItsCount() {
    List<RawEvent> innocent = new Events("iso").randomMix(new Random(5), 40, 12, 1, NOW);
    List<Event> entry = new ArrayList<>();
    innocent.forEach(r -> entry.add(r.toEvent()));
    entry.add(17, poisonOrder(innocent.get(0)));

    ApplyResult first = service.apply(List.of(new LogEntry("e-1", "shop", entry)));
    assertThat(first.rejected()).isEqualTo(1);
    assertThat(MetricTable.read(table.all(), "shop"))
        .isEqualTo(Oracle.expected(List.of(innocent), store.timezone()));
    assertThat(bad.list("shop", 10))
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.event().messageId()).isEqualTo("poison-1");
              assertThat(k.reason()).containsIgnoringCase("overflow");
            });

    // The transport redelivers the whole entry: nothing is counted twice, one bad copy is kept.
    ApplyResult again = service.apply(List.of(new LogEntry("e-1", "shop", entry)));
    assertThat(again.counted()).isZero();
    assertThat(MetricTable.read(table.all(), "shop"))
        .isEqualTo(Oracle.expected(List.of(innocent), store.timezone()));
    assertThat(bad.list("shop", 10)).hasSize(1);
  }
}
