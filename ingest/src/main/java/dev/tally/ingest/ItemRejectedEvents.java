package dev.tally.ingest;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link RejectedEvents} as items ({@code {store}#REJECTED#<utc day>} / {@code <receivedAt>#<id>}):
 * the call's JSON up to 8 KB and the reason, kept 7 days. Bounded by ingest's rate limit times the
 * retention.
 */
public final class ItemRejectedEvents implements RejectedEvents {
  static final int MAX_JSON_CHARS = 8 * 1024;
  static final Duration RETENTION = MetricKeys.REJECTED_RETENTION;

  private final ItemStore items;
  private final Clock clock;

  public ItemRejectedEvents(ItemStore items, Clock clock) {
    this.items = items;
    this.clock = clock;
  }

  @Override
  public void keep(String storeId, List<Rejected> rows) {
    Instant now = clock.instant();
    List<Item> batch = new ArrayList<>();
    for (Rejected r : rows) {
      Map<String, AttrValue> attrs = new HashMap<>();
      attrs.put("code", AttrValue.str(r.code()));
      attrs.put("reason", AttrValue.str(r.reason() == null ? "" : r.reason()));
      String json = r.json() == null ? "" : r.json();
      attrs.put(
          "json",
          AttrValue.str(json.length() > MAX_JSON_CHARS ? json.substring(0, MAX_JSON_CHARS) : json));
      if (r.messageId() != null) {
        attrs.put("messageId", AttrValue.str(r.messageId()));
      }
      attrs.put(ItemStore.EXPIRES_AT, AttrValue.num(now.plus(RETENTION).getEpochSecond()));
      batch.add(
          Item.of(
              ItemKey.of(
                  MetricKeys.rejectedPk(storeId, LocalDate.ofInstant(now, ZoneOffset.UTC)),
                  now + "#" + UUID.randomUUID()),
              attrs));
    }
    if (!batch.isEmpty()) {
      items.putAll(batch);
    }
  }

  /** The rejected calls of one UTC day (at most {@code limit}). */
  public List<Item> list(String storeId, LocalDate day, int limit) {
    return items.query(ItemQuery.partition(MetricKeys.rejectedPk(storeId, day)).limit(limit));
  }
}
