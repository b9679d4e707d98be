package dev.tally.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.testkit.MutableClock;
import dev.tally.testkit.hooks.FaultyItemStore;
import dev.tally.testkit.hooks.TallyIngestStub;
import dev.tally.testkit.hooks.TallyIngestStub.Answer;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox and its relay on any {@link ItemStore} engine: each engine's test class extends this
 * and hands a fresh, empty table to every test.
 */
public abstract class OutboxRelayContract {
  final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
  ItemStore store;
  TallyIngestStub ingest;
  Outbox outbox;
  OutboxConfig config;
  HttpEventSender http;

  /** A new, empty table. */
  protected abstract ItemStore freshStore();

  @BeforeEach
  void setUp() throws Exception {
    store = freshStore();
    ingest = new TallyIngestStub();
    outbox = new Outbox(store, clock);
    config = OutboxConfig.defaults().withPollInterval(Duration.ofMillis(50));
    http =
        new HttpEventSender(
            HttpClient.newHttpClient(), TallyEndpoint.of(ingest.baseUri(), "wk"), clock);
  }

  @AfterEach
  void tearDown() {
    ingest.close();
  }

  /** What a store does at checkout: the order and its event in one atomic write. */
  void commitOrder(String orderId, String revenue) {
    store.write(List.of(orderPut(orderId, revenue), outbox.enqueue(event(orderId, revenue))));
  }

  OrderEvent event(String orderId, String revenue) {
    return new OrderEvent(
        OrderEventKind.COMPLETED,
        orderId,
        "ada",
        "anon-1",
        new BigDecimal(revenue),
        new BigDecimal(revenue),
        "USD",
        List.of(new OrderLine("p1", "SKU-P1", new BigDecimal(revenue), 1)),
        clock.instant());
  }

  static ItemWrite orderPut(String orderId, String revenue) {
    return ItemWrite.put(
        Item.of(ItemKey.of("ORDER#" + orderId, "ORDER"), Map.of("total", AttrValue.str(revenue))),
        Condition.ABSENT);
  }

  OutboxRelay relay(EventSender sender) {
    return new OutboxRelay(outbox, sender, config, clock);
  }

  @Test
  void relayKilledBeforeSending_newRelaySendsTheOrderExactlyOnce() throws Exception {
    commitOrder("o-1001", "12.50");
    CountDownLatch sending = new CountDownLatch(1);
    EventSender hangs =
        events -> {
          sending.countDown();
          try {
            new CountDownLatch(1).await(); // stuck until the relay is killed
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableSendException("killed", null, e);
          }
        };
    OutboxRelay first = relay(hangs);
    first.start();
    assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();
    first.close(); // the process dies: the order is committed, its event not yet sent

    assertThat(ingest.bodies()).isEmpty();
    assertThat(outbox.pending(10)).hasSize(1);

    assertThat(relay(http).relayOnce()).isEqualTo(1);

    Map<String, JsonNode> received = ingest.uniqueEvents();
    assertThat(received).containsOnlyKeys("order-o-1001-completed");
    JsonNode event = received.get("order-o-1001-completed");
    assertThat(event.at("/properties/revenue").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(event.get("event").asText()).isEqualTo("Order Completed");
    assertThat(outbox.pending(10)).isEmpty();
  }

  @Test
  void relayDyingAfterSendBeforeDelete_resendIsDeduplicatedByMessageId() {
    commitOrder("o-2002", "40.00");
    EventSender sendsThenDies =
        events -> {
          http.send(events);
          throw new IllegalStateException("simulated crash before the outbox item is deleted");
        };
    assertThatThrownBy(() -> relay(sendsThenDies).relayOnce())
        .hasMessageContaining("simulated crash");

    assertThat(relay(http).relayOnce()).isEqualTo(1);

    assertThat(ingest.bodies()).hasSize(2);
    assertThat(ingest.uniqueEvents()).containsOnlyKeys("order-o-2002-completed");
    assertThat(
            ingest
                .uniqueEvents()
                .get("order-o-2002-completed")
                .at("/properties/revenue")
                .decimalValue())
        .isEqualByComparingTo("40.00");
    assertThat(outbox.pending(10)).isEmpty();
  }

  @Test
  void startedRelay_deliversCommittedOrdersWithinAPoll() throws Exception {
    try (OutboxRelay relay = relay(http)) {
      relay.start();
      commitOrder("o-3003", "9.99");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // Wait for the delete too: closing between send and delete would (rightly) leave it pending.
      while ((ingest.uniqueEvents().isEmpty() || !outbox.pending(1).isEmpty())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertThat(ingest.uniqueEvents()).containsOnlyKeys("order-o-3003-completed");
    assertThat(outbox.pending(10)).isEmpty();
  }

  @Test
  void rejectedEvent_isKeptAsFailedWithTheError_andTheOthersAreSent() {
    commitOrder("o-bad", "1.00");
    clock.advance(Duration.ofMillis(1));
    commitOrder("o-good", "2.00");
    ingest.script(new Answer(400, null), new Answer(400, null)); // the batch, then o-bad alone

    assertThat(relay(http).relayOnce()).isEqualTo(1);

    assertThat(ingest.uniqueEvents()).containsOnlyKeys("order-o-good-completed");
    assertThat(outbox.pending(10)).isEmpty();
    List<FailedOutboxEntry> failed = outbox.failed(10);
    assertThat(failed).hasSize(1);
    FailedOutboxEntry bad = failed.get(0);
    assertThat(bad.error()).contains("HTTP 400");
    assertThat(bad.sortKey()).contains("#o-bad#completed");
    assertThat(bad.event()).get().extracting(OrderEvent::orderId).isEqualTo("o-bad");
    assertThat(bad.failedAt()).isEqualTo(clock.instant());
    Item stored = store.get(ItemKey.of(Outbox.FAILED_PK, bad.sortKey())).orElseThrow();
    assertThat(stored.str("status")).isEqualTo("FAILED");
    assertThat(stored.str("error")).contains("HTTP 400");
  }

  @Test
  void throttled_relayWaitsForRetryAfter_thenSends() {
    commitOrder("o-4004", "5.00");
    ingest.script(new Answer(429, "5"));
    OutboxRelay relay = relay(http);

    assertThat(relay.relayOnce()).isZero();
    clock.advance(Duration.ofSeconds(4));
    assertThat(relay.relayOnce()).isZero();
    assertThat(ingest.bodies()).hasSize(1);
    assertThat(outbox.pending(10)).hasSize(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(relay.relayOnce()).isEqualTo(1);
    assertThat(ingest.uniqueEvents()).containsOnlyKeys("order-o-4004-completed");
  }

  @Test
  void serverErrors_backOffExponentially() {
    commitOrder("o-5005", "5.00");
    ingest.script(new Answer(500, null), new Answer(500, null));
    OutboxRelay relay = relay(http);

    relay.relayOnce(); // fails: pause 1 s
    clock.advance(Duration.ofSeconds(1));
    relay.relayOnce(); // fails again: pause 2 s
    clock.advance(Duration.ofMillis(1999));
    assertThat(relay.relayOnce()).isZero();
    assertThat(ingest.bodies()).hasSize(2);
    clock.advance(Duration.ofMillis(1));
    assertThat(relay.relayOnce()).isEqualTo(1);
  }

  @Test
  void pendingItems_areReadInCommitOrder_evenAcrossWholeSeconds() {
    commitOrder("first", "1.00"); // 10:00:00Z
    clock.set(Instant.parse("2025-03-01T10:00:00.500Z"));
    commitOrder("second", "1.00");
    clock.set(Instant.parse("2025-03-01T10:00:01Z"));
    commitOrder("third", "1.00");

    assertThat(outbox.pending(10))
        .extracting(e -> e.event().orderId())
        .containsExactly("first", "second", "third");
  }

  @Test
  void pendingItem_hasTheDocumentedLayout() {
    commitOrder("o-6006", "7.00");

    List<Item> items = store.query(ItemQuery.partition(Outbox.PENDING_PK));
    assertThat(items).hasSize(1);
    Item item = items.get(0);
    assertThat(item.key().sk()).isEqualTo("2025-03-01T10:00:00.000000Z#o-6006#completed");
    assertThat(item.str("messageId")).isEqualTo("order-o-6006-completed");
    assertThat(item.str("status")).isEqualTo("PENDING");
    OrderEvent stored = OrderEventJson.fromJson(item.str("payload"));
    assertThat(stored.messageId()).isEqualTo("order-o-6006-completed");
    assertThat(stored.revenue()).isEqualByComparingTo("7.00");
  }

  @Test
  void refusedBusinessChange_leavesNoOutboxItem() {
    commitOrder("o-7007", "3.00");
    clock.advance(Duration.ofMillis(1));

    // The same order again: its guarded put fails, so its event must not be enqueued either.
    assertThatThrownBy(() -> commitOrder("o-7007", "3.00"))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.failed()).containsExactly(0));

    assertThat(outbox.pending(10)).hasSize(1);
  }

  @Test
  void unreadablePendingItem_isMovedToFailed_andTheOthersAreStillRead() {
    store.write(
        List.of(
            ItemWrite.put(
                Item.of(
                    ItemKey.of(Outbox.PENDING_PK, "2025-03-01T09:00:00.000000Z#o-junk#completed"),
                    Map.of("payload", AttrValue.str("{not json"))),
                Condition.NONE)));
    commitOrder("o-8008", "8.00");

    assertThat(outbox.pending(10)).extracting(e -> e.event().orderId()).containsExactly("o-8008");

    List<FailedOutboxEntry> failed = outbox.failed(10);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).sortKey()).contains("#o-junk#");
    assertThat(failed.get(0).payload()).isEqualTo("{not json");
    assertThat(failed.get(0).error()).contains("not an order event message");
    assertThat(failed.get(0).event()).isEmpty();
    assertThat(relay(http).relayOnce()).isEqualTo(1);
    assertThat(ingest.uniqueEvents()).containsOnlyKeys("order-o-8008-completed");
  }

  @Test
  void storeOutage_pausesTheStartedRelay_whichThenDelivers() throws Exception {
    commitOrder("o-9009", "9.00");
    FaultyItemStore faulty = new FaultyItemStore(store).failQueries(1);
    Outbox flaky = new Outbox(faulty, clock);
    config = config.withBackoff(Duration.ofMillis(1), Duration.ofMillis(1));
    try (OutboxRelay relay = new OutboxRelay(flaky, http, config, Clock.systemUTC())) {
      relay.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while ((ingest.uniqueEvents().isEmpty() || !outbox.pending(1).isEmpty())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertThat(faulty.faultsLeft()).isZero();
    assertThat(ingest.uniqueEvents()).containsOnlyKeys("order-o-9009-completed");
    assertThat(outbox.pending(10)).isEmpty();
  }
}
