package dev.tally.aggregator.bounds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.store.Store;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.metrics.Events;
import dev.tally.testkit.metrics.MetricTable;
import dev.tally.testkit.metrics.Oracle;
import dev.tally.testkit.metrics.RawEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * No item grows without bound: one device sends a day's worth of events far beyond what one item
 * could mark, interleaved with other people's. Every event is counted once, a full redelivery
 * counts nothing, and no item holds more than {@link ItemMetricWriter#MAX_MARKS_PER_ITEM} marks.
 * Every engine's IT extends this with the volume its emulator affords.
 */
abstract class BusyDeviceContract {
  static final Instant DAY = Instant.parse("2025-03-20T00:00:00Z");
  final Store store = Store.of("shop", "UTC", "USD", List.of());

  protected abstract EngineTable freshTable();

  /** Events the busy device sends in the day. */
  protected abstract int busyEvents();

  /** Other people, one event each, interleaved. */
  protected abstract int others();

  @Test
  void oneDeviceFarPastOneItemsMarks_isCountedExactly_andEveryItemStaysBounded() {
    EngineTable table = freshTable();
    ItemMetricWriter writer = new ItemMetricWriter(table.store(), AggregatorConfig.defaults());
    Events events = new Events("busy");
    Random rnd = new Random(42);
    List<RawEvent> all = new ArrayList<>();
    int step = Math.max(1, busyEvents() / Math.max(1, others()));
    for (int i = 0; i < busyEvents(); i++) {
      all.add(
          events.product(
              "bot-1", null, "Product Viewed", "p" + rnd.nextInt(20), DAY.plusMillis(i * 800L)));
      if (i % step == 0 && i / step < others()) {
        all.add(events.page("visitor-" + i / step, null, DAY.plusMillis(i * 800L + 1)));
      }
    }
    List<List<RawEvent>> batches = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 1_000) {
      batches.add(all.subList(i, Math.min(all.size(), i + 1_000)));
    }
    for (List<RawEvent> b : batches) {
      writer.apply(store, parsed(b));
    }
    var expected = Oracle.expected(batches, store.timezone());
    assertThat(MetricTable.read(table.all(), "shop")).isEqualTo(expected);

    // Redelivery of everything: nothing counted twice.
    int again = 0;
    for (List<RawEvent> b : batches) {
      again += writer.apply(store, parsed(b)).counted();
    }
    assertThat(again).isZero();
    assertThat(MetricTable.read(table.all(), "shop")).isEqualTo(expected);

    long biggestMarks = 0;
    for (Item item : table.all()) {
      for (AttrValue v : item.attrs().values()) {
        if (v instanceof AttrValue.Marks m) {
          biggestMarks = Math.max(biggestMarks, m.values().size());
        }
      }
    }
    assertThat(biggestMarks).isLessThanOrEqualTo(ItemMetricWriter.MAX_MARKS_PER_ITEM);
  }

  private static List<Event> parsed(List<RawEvent> raw) {
    return raw.stream().map(RawEvent::toEvent).toList();
  }
}
