package dev.tally.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.error.PayloadTooLargeException;
import dev.tally.core.error.ValidationException;
import java.time.Instant;
import java.util.Currency;
import org.junit.jupiter.api.Test;

class EventParserTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final Currency USD = Currency.getInstance("USD");
  final EventParser parser = new EventParser(ParseOptions.live(), () -> "assigned-id");

  Event parse(String json, String impliedType) throws Exception {
    JsonNode node = Json.mapper().readTree(json);
    return parser.parse(node, impliedType, EventParser.BatchContext.at(NOW), USD);
  }

  ValidationException reject(String json, String impliedType) {
    return (ValidationException)
        org.assertj.core.api.Assertions.catchThrowable(() -> parse(json, impliedType));
  }

  @Test
  void clockSkew_isCorrectedLikeSegment() throws Exception {
    // The client's clock is 2 hours fast: it stamped the event 10 s before it sent the batch.
    Event e =
        parse(
            "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"2026-11-21T14:00:00Z\","
                + "\"sentAt\":\"2026-11-21T14:00:10Z\"}",
            "track");
    assertThat(e.header().timestamp()).isEqualTo(NOW.minusSeconds(10));
    assertThat(e.header().originalTimestamp()).isEqualTo(Instant.parse("2026-11-21T14:00:00Z"));
    assertThat(e.header().receivedAt()).isEqualTo(NOW);
  }

  @Test
  void missingTimestamp_usesReceiveTime_andMissingMessageId_isAssigned() throws Exception {
    Event e = parse("{\"anonymousId\":\"a\",\"name\":\"Home\"}", "page");
    assertThat(e).isInstanceOf(PageEvent.class);
    assertThat(e.header().timestamp()).isEqualTo(NOW);
    assertThat(e.messageId()).isEqualTo("assigned-id");
  }

  @Test
  void futureTimestamp_beyond24h_isRejected() {
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"2026-11-23T12:00:01Z\"}",
                    "track")
                .code())
        .isEqualTo("timestamp_in_future");
  }

  @Test
  void oldEvents_areRejectedLive_butAcceptedByImport() throws Exception {
    String old = "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"2026-09-01T00:00:00Z\"}";
    assertThat(reject(old, "track").code()).isEqualTo("timestamp_too_old");
    EventParser historical = new EventParser(ParseOptions.live().historical());
    Event e =
        historical.parse(
            Json.mapper().readTree(old), "track", EventParser.BatchContext.at(NOW), USD);
    assertThat(e.header().timestamp()).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
  }

  @Test
  void identity_isRequired_andIdsMustBeStringsOfAtMost100Chars() {
    assertThat(reject("{\"event\":\"E\"}", "track").code()).isEqualTo("missing_identity");
    assertThat(reject("{\"userId\":42,\"event\":\"E\"}", "track").getMessage())
        .isEqualTo("userId must be a string");
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"messageId\":\"" + "x".repeat(101) + "\",\"event\":\"E\"}",
                    "track")
                .getMessage())
        .contains("messageId is 101 characters");
  }

  @Test
  void money_mustBeNonNegative_withTheCurrencysDecimals() {
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":-1}}",
                    "track")
                .getMessage())
        .isEqualTo("properties.revenue must not be negative");
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":1.005}}",
                    "track")
                .getMessage())
        .contains("more than 2 decimals for USD");
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"currency\":\"JPY\",\"revenue\":100.5}}",
                    "track")
                .getMessage())
        .contains("more than 0 decimals for JPY");
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":\"12.50\"}}",
                    "track")
                .getMessage())
        .isEqualTo("properties.revenue must be a number");
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"products\":[{\"price\":1,\"quantity\":0}]}}",
                    "track")
                .getMessage())
        .contains("products[0].quantity must be a whole number");
    assertThat(
            reject(
                    "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"currency\":\"XYZ\"}}",
                    "track")
                .getMessage())
        .contains("'XYZ' is not an ISO 4217 code");
  }

  @Test
  void typeMismatchWithEndpoint_andUnknownTypes_areRejected() {
    assertThat(reject("{\"type\":\"page\",\"userId\":\"u\"}", "track").code())
        .isEqualTo("invalid_type");
    assertThat(reject("{\"type\":\"screen\",\"userId\":\"u\"}", null).code())
        .isEqualTo("unknown_type");
    assertThat(reject("{\"userId\":\"u\"}", null).getMessage()).contains("type is required");
  }

  @Test
  void aliasNeedsUserIdAndPreviousId() throws Exception {
    assertThat(reject("{\"userId\":\"u\"}", "alias").getMessage())
        .contains("previousId is required");
    AliasEvent a = (AliasEvent) parse("{\"userId\":\"u\",\"previousId\":\"anon\"}", "alias");
    assertThat(a.previousId()).isEqualTo("anon");
  }

  @Test
  void oversizeEvent_isPayloadTooLarge() {
    String big =
        "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"blob\":\""
            + "x".repeat(33 * 1024)
            + "\"}}";
    assertThatThrownBy(() -> parse(big, "track")).isInstanceOf(PayloadTooLargeException.class);
  }

  @Test
  void codec_roundTripsEveryEventType() throws Exception {
    LogEntry entry =
        new LogEntry(
            "entry-1",
            "demo",
            java.util.List.of(
                parse(
                    "{\"userId\":\"u\",\"anonymousId\":\"a\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":12.5}}",
                    "track"),
                parse(
                    "{\"anonymousId\":\"a\",\"name\":\"Home\",\"context\":{\"page\":{\"path\":\"/\"}}}",
                    "page"),
                parse(
                    "{\"userId\":\"u\",\"anonymousId\":\"a\",\"traits\":{\"name\":\"Ada\"}}",
                    "identify"),
                parse("{\"userId\":\"u\",\"previousId\":\"a\"}", "alias")));
    assertThat(EventCodec.decode(EventCodec.encode(entry))).isEqualTo(entry);
  }
}
