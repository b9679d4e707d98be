package dev.tally.hooks;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional outbox over the storage port. Pending items live under {@code pk=OUTBOX} with
 * {@code sk=<createdAt>#<orderId>#<kind>}, so one query of that partition reads them oldest first.
 * Items Tally rejected for good move to {@code pk=OUTBOX#FAILED} with the error.
 *
 * <p>The outbox must live in the same {@link ItemStore} as the business data: one {@link
 * ItemStore#write} call is atomic only within one store. Any engine will do; a merchant already on
 * DynamoDB runs it there through the AWS engine, where the partition read is a Query, never a Scan.
 *
 * <p>Every method throws {@link dev.tally.core.error.RetryableException} when the store is
 * unavailable or busy, as {@link ItemStore} does.
 */
public final class Outbox {
  public static final String PENDING_PK = "OUTBOX";
  public static final String FAILED_PK = "OUTBOX#FAILED";
  static final String MESSAGE_ID = "messageId";
  static final String PAYLOAD = "payload";
  static final String STATUS = "status";
  static final String ERROR = "error";
  static final String FAILED_AT = "failedAt";
  static final String PENDING = "PENDING";
  static final String FAILED = "FAILED";

  // Fixed width so that lexicographic order of sort keys is time order (Instant.toString trims
  // zeros).
  private static final DateTimeFormatter SORTABLE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final ItemStore store;
  private final Clock clock;

  public Outbox(ItemStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** An outbox on the system clock. */
  public static Outbox create(ItemStore store) {
    return new Outbox(store, Clock.systemUTC());
  }

  /**
   * The write to put in the same {@link ItemStore#write} call as the business change (the order),
   * so that the event exists if and only if the change committed. It is guarded by {@link
   * Condition#ABSENT}: enqueueing the same event twice in the same microsecond fails the call.
   */
  public ItemWrite enqueue(OrderEvent event) {
    String sk =
        SORTABLE.format(clock.instant()) + "#" + event.orderId() + "#" + event.kind().idSuffix();
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put(MESSAGE_ID, AttrValue.str(event.messageId()));
    attrs.put(PAYLOAD, AttrValue.str(OrderEventJson.toJson(event)));
    attrs.put(STATUS, AttrValue.str(PENDING));
    return ItemWrite.put(Item.of(ItemKey.of(PENDING_PK, sk), attrs), Condition.ABSENT);
  }

  /** Up to {@code limit} pending items, oldest first. Unreadable items are moved to failed. */
  public List<OutboxEntry> pending(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    List<OutboxEntry> entries = new ArrayList<>();
    for (Item item : store.query(ItemQuery.partition(PENDING_PK).limit(limit))) {
      String sk = item.key().sk();
      String payload = Objects.requireNonNullElse(item.str(PAYLOAD), "");
      try {
        entries.add(new OutboxEntry(sk, OrderEventJson.fromJson(payload)));
      } catch (IllegalArgumentException unreadable) {
        LOG.error("outbox item {} is unreadable, moving it to {}", sk, FAILED_PK, unreadable);
        moveToFailed(sk, payload, unreadable.getMessage());
      }
    }
    return entries;
  }

  /** Removes an item Tally accepted. */
  public void markSent(OutboxEntry entry) {
    store.write(List.of(ItemWrite.delete(pendingKey(entry.sortKey()), Condition.NONE)));
  }

  /** Moves an item Tally rejected for good out of the pending partition, keeping the error. */
  public void markFailed(OutboxEntry entry, String error) {
    moveToFailed(entry.sortKey(), OrderEventJson.toJson(entry.event()), error);
  }

  /** Items that failed for good, oldest first, for an operator to inspect. */
  public List<FailedOutboxEntry> failed(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return store.query(ItemQuery.partition(FAILED_PK).limit(limit)).stream()
        .map(Outbox::failedEntry)
        .toList();
  }

  // Failed items leave the pending partition so that a poison item is not re-read every poll.
  private void moveToFailed(String sk, String payload, String error) {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put(PAYLOAD, AttrValue.str(payload.isEmpty() ? "-" : payload));
    attrs.put(STATUS, AttrValue.str(FAILED));
    attrs.put(ERROR, AttrValue.str(error == null || error.isEmpty() ? "unknown error" : error));
    attrs.put(FAILED_AT, AttrValue.str(clock.instant().toString()));
    store.write(
        List.of(
            ItemWrite.delete(pendingKey(sk), Condition.NONE),
            ItemWrite.put(Item.of(ItemKey.of(FAILED_PK, sk), attrs), Condition.NONE)));
  }

  private static FailedOutboxEntry failedEntry(Item item) {
    return new FailedOutboxEntry(
        item.key().sk(),
        Objects.requireNonNullElse(item.str(PAYLOAD), "-"),
        Objects.requireNonNullElse(item.str(ERROR), "unknown error"),
        instantOrNull(item.str(FAILED_AT)));
  }

  private static Instant instantOrNull(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static ItemKey pendingKey(String sk) {
    return ItemKey.of(PENDING_PK, sk);
  }
}
