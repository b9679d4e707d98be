package dev.tally.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.hooks.TallyIngestStub.Answer;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

class OutboxRelayIT {
  @RegisterExtension static final LocalDynamoDb ddb = new LocalDynamoDb();

  final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
  TallyIngestStub ingest;
  String table;
  DynamoDbOutbox outbox;
  OutboxConfig config;
  HttpEventSender http;

  @BeforeEach
  void setUp() throws Exception {
    ingest = new TallyIngestStub();
    table = ddb.freshTable("orders");
    outbox = new DynamoDbOutbox(ddb.client(), table, clock);
    config = OutboxConfig.defaults(table).withPollInterval(Duration.ofMillis(50));
    http =
        new HttpEventSender(
            HttpClient.newHttpClient(), TallyEndpoint.of(ingest.baseUri(), "wk"), clock);
  }

  @AfterEach
  void tearDown() {
    ingest.close();
  }

  /** What a store does at checkout: the order and its event in one transaction. */
  void commitOrder(String orderId, String revenue) {
    OrderEvent event =
        new OrderEvent(
            OrderEventKind.COMPLETED,
            orderId,
            "ada",
            "anon-1",
            new BigDecimal(revenue),
            new BigDecimal(revenue),
            "USD",
            List.of(new OrderLine("p1", "SKU-P1", new BigDecimal(revenue), 1)),
            clock.instant());
    Map<String, AttributeValue> order =
        Map.of(
            "pk",
            AttributeValue.fromS("ORDER#" + orderId),
            "sk",
            AttributeValue.fromS("ORDER"),
            "total",
            AttributeValue.fromN(revenue));
    ddb.client()
        .transactWriteItems(
            b ->
                b.transactItems(
                    TransactWriteItem.builder()
                        .put(Put.builder().tableName(table).item(order).build())
                        .build(),
                    outbox.enqueue(event)));
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
    List<Map<String, AttributeValue>> failed = outbox.failed(10);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).get("status").s()).isEqualTo("FAILED");
    assertThat(failed.get(0).get("error").s()).contains("HTTP 400");
    assertThat(failed.get(0).get("sk").s()).contains("#o-bad#completed");
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
}
