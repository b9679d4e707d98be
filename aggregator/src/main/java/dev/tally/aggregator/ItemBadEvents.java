package dev.tally.aggregator;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link BadEvents} as items of the metrics table ({@code {store}#BAD} / {@code <messageId>}, kept
 * 30 days), so both engines keep them the same way, a redelivery keeps one copy, and one command
 * lists them.
 */
public final class ItemBadEvents implements BadEvents {
  /** How long a bad event is kept for inspection. */
  public static final Duration RETENTION = Duration.ofDays(30);

  private final ItemStore items;
  private final Clock clock;

  public ItemBadEvents(ItemStore items, Clock clock) {
    this.items = items;
    this.clock = clock;
  }

  @Override
  public void keep(String storeId, Event event, String reason) {
    Instant now = clock.instant();
    String body =
        EventCodec.encodeToString(new LogEntry(event.messageId(), storeId, List.of(event)));
    String why = reason == null || reason.isBlank() ? "unknown error" : reason;
    Item item =
        Item.of(
            ItemKey.of(MetricKeys.badPk(storeId), event.messageId()),
            Map.of(
                "body",
                AttrValue.str(body),
                "reason",
                AttrValue.str(why.length() > 2_000 ? why.substring(0, 2_000) : why),
                "failedAt",
                AttrValue.num(now.toEpochMilli()),
                ItemStore.EXPIRES_AT,
                AttrValue.num(now.plus(RETENTION).getEpochSecond())));
    items.write(List.of(ItemWrite.put(item, Condition.NONE)));
  }

  @Override
  public List<Kept> list(String storeId, int limit) {
    List<Kept> out = new ArrayList<>();
    for (Item i : items.query(ItemQuery.partition(MetricKeys.badPk(storeId)).limit(limit))) {
      String body = i.str("body");
      Event event =
          body == null
              ? null
              : EventCodec.decode(body.getBytes(StandardCharsets.UTF_8)).events().get(0);
      out.add(
          new Kept(
              storeId,
              i.key().sk(),
              event,
              i.str("reason"),
              Instant.ofEpochMilli(i.num("failedAt"))));
    }
    return out;
  }

  @Override
  public void remove(String storeId, String key) {
    items.write(
        List.of(ItemWrite.delete(ItemKey.of(MetricKeys.badPk(storeId), key), Condition.NONE)));
  }
}
