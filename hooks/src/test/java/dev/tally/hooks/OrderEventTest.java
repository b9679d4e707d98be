package dev.tally.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderEventTest {
  static final Instant AT = Instant.parse("2025-03-01T10:15:30.120Z");

  static OrderEvent completed(String orderId, String revenue) {
    return new OrderEvent(
        OrderEventKind.COMPLETED,
        orderId,
        "user-1",
        "anon-1",
        new BigDecimal(revenue),
        new BigDecimal(revenue),
        "USD",
        List.of(
            new OrderLine("harbour-at-dusk", "PRINT-HARBOUR-AT-DUSK", new BigDecimal(revenue), 1)),
        AT);
  }

  @Test
  void messageId_isDeterministicPerOrderAndKind() {
    assertThat(completed("o-42", "12.50").messageId()).isEqualTo("order-o-42-completed");
    OrderEvent refund =
        new OrderEvent(
            OrderEventKind.REFUNDED,
            "o-42",
            null,
            "anon",
            BigDecimal.ONE,
            BigDecimal.ONE,
            "USD",
            List.of(),
            AT);
    assertThat(refund.messageId()).isEqualTo("order-o-42-refunded");
    assertThat(OrderEventKind.CANCELLED.eventName()).isEqualTo("Order Cancelled");
  }

  @Test
  void event_withoutAnyIdentity_isRejected() {
    assertThatThrownBy(
            () ->
                new OrderEvent(
                    OrderEventKind.COMPLETED,
                    "o1",
                    " ",
                    null,
                    BigDecimal.ONE,
                    BigDecimal.ONE,
                    "USD",
                    List.of(),
                    AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("userId or anonymousId");
  }

  @Test
  void event_withBadCurrencyOrBlankOrderId_isRejected() {
    assertThatThrownBy(
            () ->
                new OrderEvent(
                    OrderEventKind.COMPLETED,
                    "o1",
                    "u",
                    null,
                    BigDecimal.ONE,
                    BigDecimal.ONE,
                    "usd",
                    List.of(),
                    AT))
        .hasMessageContaining("currency");
    assertThatThrownBy(
            () ->
                new OrderEvent(
                    OrderEventKind.COMPLETED,
                    "",
                    "u",
                    null,
                    BigDecimal.ONE,
                    BigDecimal.ONE,
                    "USD",
                    List.of(),
                    AT))
        .hasMessageContaining("orderId cannot be null or empty");
  }

  @Test
  void orderLine_withZeroQuantity_isRejected() {
    assertThatThrownBy(() -> new OrderLine("p", "s", BigDecimal.ONE, 0))
        .hasMessageContaining("quantity");
  }

  @Test
  void trackJson_hasSegmentShape_withExactRevenue() throws Exception {
    JsonNode n = new ObjectMapper().readTree(OrderEventJson.toJson(completed("o-7", "12.50")));
    assertThat(n.get("type").asText()).isEqualTo("track");
    assertThat(n.get("event").asText()).isEqualTo("Order Completed");
    assertThat(n.get("messageId").asText()).isEqualTo("order-o-7-completed");
    assertThat(n.get("timestamp").asText()).isEqualTo("2025-03-01T10:15:30.120Z");
    assertThat(n.get("userId").asText()).isEqualTo("user-1");
    assertThat(n.get("anonymousId").asText()).isEqualTo("anon-1");
    JsonNode props = n.get("properties");
    assertThat(props.get("order_id").asText()).isEqualTo("o-7");
    assertThat(props.get("revenue").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(props.get("currency").asText()).isEqualTo("USD");
    assertThat(props.get("products").get(0).get("sku").asText()).isEqualTo("PRINT-HARBOUR-AT-DUSK");
    assertThat(n.at("/context/library/name").asText()).isEqualTo("tally-java-hooks");
  }

  @Test
  void timestamp_isKeptToTheMillisecond() {
    OrderEvent e =
        new OrderEvent(
            OrderEventKind.COMPLETED,
            "o1",
            "u",
            null,
            BigDecimal.ONE,
            BigDecimal.ONE,
            "USD",
            List.of(),
            Instant.parse("2025-03-01T10:15:30.123456789Z"));
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2025-03-01T10:15:30.123Z"));
  }

  @Test
  void trackJson_roundTripsToTheSameEvent() {
    OrderEvent e = completed("o-9", "99.99");
    assertThat(OrderEventJson.fromJson(OrderEventJson.toJson(e))).isEqualTo(e);
  }

  @Test
  void unreadablePayload_isReportedAsIllegalArgument() {
    assertThatThrownBy(() -> OrderEventJson.fromJson("{\"event\":\"Order Completed\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderEventJson.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchBody_wrapsEventsWithSentAt() throws Exception {
    JsonNode body =
        new ObjectMapper()
            .readTree(
                OrderEventJson.toBatchBody(
                    List.of(completed("a", "1.00"), completed("b", "2.00")), AT));
    assertThat(body.get("batch")).hasSize(2);
    assertThat(body.get("sentAt").asText()).isEqualTo("2025-03-01T10:15:30.120Z");
  }

  @Test
  void outboxConfig_defaults_areDocumentedValues_andBadValuesAreRejected() {
    OutboxConfig c = OutboxConfig.defaults();
    assertThat(c.batchSize()).isEqualTo(25);
    assertThat(c.pollInterval().toMillis()).isEqualTo(500);
    assertThatThrownBy(
            () -> new OutboxConfig(0, c.pollInterval(), c.initialBackoff(), c.maxBackoff()))
        .hasMessageContaining("batchSize");
  }

  @Test
  void endpoint_buildsBatchUri_andRejectsNonHttp() {
    assertThat(TallyEndpoint.of(java.net.URI.create("http://h:1/"), "k").batchUri().toString())
        .isEqualTo("http://h:1/v1/batch");
    assertThatThrownBy(() -> TallyEndpoint.of(java.net.URI.create("ftp://h"), "k"))
        .hasMessageContaining("http");
  }
}
