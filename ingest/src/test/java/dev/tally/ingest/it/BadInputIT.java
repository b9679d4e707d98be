package dev.tally.ingest.it;

import static dev.tally.ingest.it.IngestStack.BROWSER_WRITE_KEY;
import static dev.tally.ingest.it.IngestStack.WRITE_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Event;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input over real HTTP: each case names its expected status, error code and message. Nothing
 * bad reaches the queue, and afterwards the server still accepts a valid event.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
  static IngestStack stack;
  static IngestStack.Server server;
  static String queue;

  /** One bad request and what the API must answer. */
  record Case(
      String name,
      String path,
      Map<String, String> headers,
      byte[] body,
      int status,
      String code,
      String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() {
    stack = new IngestStack();
    queue = stack.newQueue();
    server = stack.serve(queue);
  }

  @AfterAll
  static void stop() {
    server.close();
    stack.close();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInput_getsItsStatusCodeAndMessage(Case c) {
    HttpResponse<String> r = Http.post(server.base(), c.path(), c.headers(), c.body());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(c.status());
    JsonNode j = SqsIngestIT.json(r);
    assertThat(j.path("success").asBoolean(true)).isFalse();
    assertThat(j.path("error").asText()).as(r.body()).isEqualTo(c.code());
    assertThat(j.path("message").asText()).as(r.body()).contains(c.message());
  }

  @Order(2)
  @Test
  void afterAllBadInput_aValidEventIsAccepted_andIsTheOnlyOneOnTheQueue() {
    SqsIngestIT.assertOk(
        Http.post(
            server.base(),
            "/v1/track",
            WRITE_KEY,
            "{\"messageId\":\"good\",\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":10.5}}"));
    assertThat(stack.drain(queue)).extracting(Event::messageId).containsExactly("good");
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    String future = Instant.now().plus(3, ChronoUnit.DAYS).toString();
    String old = Instant.now().minus(60, ChronoUnit.DAYS).toString();
    // Body syntax and encoding
    c.add(
        track(
            "malformed JSON",
            "{\"userId\": \"u\", ",
            400,
            "malformed_json",
            "not valid JSON at line 1"));
    c.add(track("empty body", "", 400, "malformed_json", "request body is empty"));
    c.add(
        track(
            "array instead of object",
            "[]",
            400,
            "malformed_json",
            "request body must be a JSON object"));
    c.add(
        track(
            "trailing garbage",
            "{\"userId\":\"u\",\"event\":\"E\"} x",
            400,
            "malformed_json",
            "not valid JSON"));
    c.add(
        track(
            "duplicate key",
            "{\"userId\":\"u\",\"userId\":\"v\",\"event\":\"E\"}",
            400,
            "malformed_json",
            "Duplicate field 'userId'"));
    c.add(
        track(
            "NaN literal amount",
            "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":NaN}}",
            400,
            "malformed_json",
            "NaN"));
    c.add(
        track(
            "deeply nested JSON",
            "{\"userId\":\"u\",\"event\":\"E\",\"properties\":"
                + "{\"a\":".repeat(40)
                + "1"
                + "}".repeat(41),
            400,
            "malformed_json",
            "nested deeper than 32 levels"));
    c.add(
        raw(
            "invalid UTF-8",
            "/v1/track",
            json(WRITE_KEY),
            concat("{\"userId\":\"", new byte[] {(byte) 0xC3, (byte) 0x28}, "\",\"event\":\"E\"}"),
            400,
            "invalid_utf8",
            "not valid UTF-8"));
    c.add(
        raw(
            "bad gzip",
            "/v1/track",
            with(json(WRITE_KEY), "Content-Encoding", "gzip"),
            "not gzip at all".getBytes(StandardCharsets.UTF_8),
            400,
            "bad_gzip",
            "not valid gzip"));
    c.add(
        raw(
            "truncated gzip",
            "/v1/track",
            with(json(WRITE_KEY), "Content-Encoding", "gzip"),
            truncated(Http.gzip("{\"userId\":\"u\",\"event\":\"E\"}")),
            400,
            "bad_gzip",
            "not valid gzip"));
    c.add(
        raw(
            "unsupported encoding",
            "/v1/track",
            with(json(WRITE_KEY), "Content-Encoding", "br"),
            "{}".getBytes(StandardCharsets.UTF_8),
            415,
            "unsupported_media_type",
            "Content-Encoding 'br' is not supported"));
    c.add(
        raw(
            "XML media type",
            "/v1/track",
            with(json(WRITE_KEY), "Content-Type", "application/xml"),
            "<e/>".getBytes(StandardCharsets.UTF_8),
            415,
            "unsupported_media_type",
            "Content-Type 'application/xml' is not supported"));
    c.add(
        raw(
            "latin-1 charset",
            "/v1/track",
            with(json(WRITE_KEY), "Content-Type", "application/json; charset=ISO-8859-1"),
            "{}".getBytes(StandardCharsets.UTF_8),
            415,
            "unsupported_media_type",
            "charset 'iso-8859-1' is not supported"));
    // Sizes
    c.add(
        track(
            "oversize event (33 KB)",
            "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"blob\":\""
                + "x".repeat(33 * 1024)
                + "\"}}",
            413,
            "payload_too_large",
            "the limit is 32768 bytes"));
    c.add(
        batch(
            "batch of one oversize event",
            "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"blob\":\""
                + "x".repeat(33 * 1024)
                + "\"}}",
            413,
            "payload_too_large",
            "the limit is 32768 bytes"));
    c.add(
        raw(
            "oversize request (600 KB)",
            "/v1/batch",
            json(WRITE_KEY),
            bigBatch(30, 20 * 1024).getBytes(StandardCharsets.UTF_8),
            413,
            "payload_too_large",
            "the limit is 500 KB"));
    c.add(
        raw(
            "gzip bomb (small, 600 KB inflated)",
            "/v1/batch",
            with(json(WRITE_KEY), "Content-Encoding", "gzip"),
            Http.gzip(bigBatch(30, 20 * 1024)),
            413,
            "payload_too_large",
            "the limit is 500 KB"));
    c.add(
        raw(
            "2,501 events",
            "/v1/batch",
            json(WRITE_KEY),
            manyEvents(2_501).getBytes(StandardCharsets.UTF_8),
            413,
            "payload_too_large",
            "batch has 2501 events; the limit is 2500"));
    // Authentication
    c.add(
        raw(
            "unknown write key",
            "/v1/track",
            json("wk_nobody"),
            ok(),
            401,
            "invalid_key",
            "this write key is not valid"));
    c.add(
        raw(
            "no write key",
            "/v1/track",
            json(null),
            ok(),
            401,
            "missing_key",
            "a write key (Basic auth user, or writeKey in the body) is required"));
    c.add(
        raw(
            "read key used to write",
            "/v1/track",
            json("rk_shop_test"),
            ok(),
            401,
            "invalid_key",
            "this write key is not valid"));
    c.add(
        raw(
            "malformed Basic auth",
            "/v1/track",
            with(json(null), "Authorization", "Basic !!!not-base64"),
            ok(),
            401,
            "malformed_authorization",
            "not valid Basic auth"));
    c.add(
        raw(
            "origin not on the store's list",
            "/v1/track",
            with(json(BROWSER_WRITE_KEY), "Origin", "https://evil.example"),
            ok(),
            403,
            "forbidden",
            "origin https://evil.example is not allowed"));
    // Identity and required fields
    c.add(
        track(
            "no userId or anonymousId",
            "{\"event\":\"Product Viewed\"}",
            400,
            "missing_identity",
            "userId or anonymousId is required"));
    c.add(
        track(
            "blank ids",
            "{\"userId\":\" \",\"anonymousId\":\"\",\"event\":\"E\"}",
            400,
            "missing_identity",
            "userId or anonymousId is required"));
    c.add(
        track(
            "track without event",
            "{\"userId\":\"u\"}",
            400,
            "missing_field",
            "event is required for a track call"));
    c.add(
        raw(
            "alias without previousId",
            "/v1/alias",
            json(WRITE_KEY),
            "{\"userId\":\"u\"}".getBytes(StandardCharsets.UTF_8),
            400,
            "missing_field",
            "previousId is required for an alias call"));
    c.add(
        raw(
            "alias without userId",
            "/v1/alias",
            json(WRITE_KEY),
            "{\"anonymousId\":\"a\",\"previousId\":\"p\"}".getBytes(StandardCharsets.UTF_8),
            400,
            "missing_field",
            "userId is required for an alias call"));
    c.add(
        track(
            "101-char messageId",
            "{\"messageId\":\"" + "m".repeat(101) + "\",\"userId\":\"u\",\"event\":\"E\"}",
            400,
            "invalid_field",
            "messageId is 101 characters; at most 100"));
    c.add(
        track(
            "101-char userId",
            "{\"userId\":\"" + "u".repeat(101) + "\",\"event\":\"E\"}",
            400,
            "invalid_field",
            "userId is 101 characters; at most 100"));
    // Types
    c.add(
        track(
            "userId a number",
            "{\"userId\":42,\"event\":\"E\"}",
            400,
            "invalid_type",
            "userId must be a string"));
    c.add(
        track(
            "event a number",
            "{\"userId\":\"u\",\"event\":7}",
            400,
            "invalid_type",
            "event must be a string"));
    c.add(
        track(
            "messageId an object",
            "{\"messageId\":{},\"userId\":\"u\",\"event\":\"E\"}",
            400,
            "invalid_type",
            "messageId must be a string"));
    c.add(
        track(
            "properties a string",
            "{\"userId\":\"u\",\"event\":\"E\",\"properties\":\"x\"}",
            400,
            "invalid_type",
            "properties must be a JSON object"));
    c.add(
        track(
            "context an array",
            "{\"userId\":\"u\",\"event\":\"E\",\"context\":[]}",
            400,
            "invalid_type",
            "context must be a JSON object"));
    c.add(
        track(
            "type does not match endpoint",
            "{\"type\":\"page\",\"userId\":\"u\",\"event\":\"E\"}",
            400,
            "invalid_type",
            "does not match the /v1/track endpoint"));
    c.add(
        batch(
            "unknown type",
            "{\"type\":\"screen\",\"userId\":\"u\"}",
            400,
            "no_valid_events",
            "type 'screen' is not supported"));
    c.add(
        batch(
            "batch event without type",
            "{\"userId\":\"u\",\"event\":\"E\"}",
            400,
            "no_valid_events",
            "type is required for each event in a batch"));
    c.add(
        batch(
            "batch element not an object",
            "null",
            400,
            "no_valid_events",
            "each event must be a JSON object"));
    c.add(
        raw(
            "batch not an array",
            "/v1/batch",
            json(WRITE_KEY),
            "{\"batch\":{}}".getBytes(StandardCharsets.UTF_8),
            400,
            "missing_field",
            "batch must be an array of events"));
    c.add(
        raw(
            "empty batch",
            "/v1/batch",
            json(WRITE_KEY),
            "{\"batch\":[]}".getBytes(StandardCharsets.UTF_8),
            400,
            "empty_batch",
            "batch has no events"));
    c.add(
        batch(
            "all events bad",
            "{\"type\":\"track\",\"event\":\"E\"},{\"type\":\"track\",\"userId\":\"u\"}",
            400,
            "no_valid_events",
            "none of the 2 events is valid"));
    // Time
    c.add(
        track(
            "timestamp 3 days in the future",
            "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"" + future + "\"}",
            400,
            "timestamp_in_future",
            "more than 24 h in the future"));
    c.add(
        track(
            "timestamp 60 days old on a live endpoint",
            "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"" + old + "\"}",
            400,
            "timestamp_too_old",
            "older than 30 days"));
    c.add(
        track(
            "timestamp not ISO-8601",
            "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"yesterday\"}",
            400,
            "invalid_field",
            "timestamp 'yesterday' is not an ISO-8601 date-time"));
    c.add(
        track(
            "timestamp a number",
            "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":1700000000}",
            400,
            "invalid_type",
            "timestamp must be an ISO-8601 string"));
    c.add(
        raw(
            "batch sentAt not a date",
            "/v1/batch",
            json(WRITE_KEY),
            "{\"sentAt\":\"soon\",\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}]}"
                .getBytes(StandardCharsets.UTF_8),
            400,
            "no_valid_events",
            "sentAt 'soon' is not an ISO-8601"));
    // Money (store currency USD)
    c.add(
        track(
            "negative price",
            order("\"price\":-1"),
            400,
            "invalid_amount",
            "properties.price must not be negative"));
    c.add(
        track(
            "price with 3 decimals",
            order("\"price\":1.005"),
            400,
            "invalid_amount",
            "properties.price has more than 2 decimals for USD"));
    c.add(
        track(
            "revenue as a string",
            order("\"revenue\":\"12.00\""),
            400,
            "invalid_amount",
            "properties.revenue must be a number"));
    c.add(
        track(
            "revenue \"NaN\"",
            order("\"revenue\":\"NaN\""),
            400,
            "invalid_amount",
            "properties.revenue must be a number"));
    c.add(
        track(
            "revenue too large",
            order("\"revenue\":1e30"),
            400,
            "invalid_amount",
            "properties.revenue is too large"));
    c.add(
        track(
            "decimals in JPY",
            order("\"currency\":\"JPY\",\"total\":10.5"),
            400,
            "invalid_amount",
            "properties.total has more than 0 decimals for JPY"));
    c.add(
        track(
            "unknown currency",
            order("\"currency\":\"XYZ\",\"total\":10"),
            400,
            "invalid_field",
            "currency 'XYZ' is not an ISO 4217 code"));
    c.add(
        track(
            "products not an array",
            order("\"products\":{}"),
            400,
            "invalid_type",
            "properties.products must be an array"));
    c.add(
        track(
            "negative product price",
            order("\"products\":[{\"product_id\":\"p\",\"price\":-3}]"),
            400,
            "invalid_amount",
            "properties.products[0].price must not be negative"));
    c.add(
        track(
            "quantity zero",
            order("\"products\":[{\"product_id\":\"p\",\"quantity\":0}]"),
            400,
            "invalid_field",
            "properties.products[0].quantity must be a whole number"));
    c.add(
        track(
            "fractional quantity",
            order("\"quantity\":1.5"),
            400,
            "invalid_field",
            "properties.quantity must be a whole number"));
    c.add(
        track(
            "product_id an object",
            order("\"product_id\":{}"),
            400,
            "invalid_type",
            "properties.product_id must be a string"));
    // The bounds that keep every accepted event apply-able (see EventParser's limits).
    c.add(
        track(
            "revenue above the per-event limit",
            order("\"revenue\":1000000000.01"),
            400,
            "invalid_amount",
            "properties.revenue is above the limit of 1000000000.00 USD"));
    c.add(
        track(
            "line total above the limit (price x quantity)",
            order("\"products\":[{\"product_id\":\"p\",\"price\":999999999,\"quantity\":2}]"),
            400,
            "invalid_amount",
            "price x quantity of p is above the limit"));
    c.add(
        track(
            "order total above the limit (sum of lines)",
            order(
                "\"products\":[{\"product_id\":\"p\",\"price\":600000000},"
                    + "{\"product_id\":\"q\",\"price\":600000000}]"),
            400,
            "invalid_amount",
            "the order's revenue is above the limit"));
    c.add(
        track(
            "quantity above 10,000",
            order("\"products\":[{\"product_id\":\"p\",\"quantity\":10001}]"),
            400,
            "invalid_field",
            "properties.products[0].quantity must be a whole number from 1 to 10000"));
    c.add(
        track(
            "product_id longer than 100 characters",
            "{\"userId\":\"u\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\""
                + "p".repeat(101)
                + "\"}}",
            400,
            "invalid_field",
            "properties.product_id is 101 characters; at most 100"));
    c.add(
        track(
            "originalTimestamp a billion years away",
            "{\"userId\":\"u\",\"event\":\"E\",\"originalTimestamp\":\"+999999999-12-31T23:59:59Z\","
                + "\"sentAt\":\"2026-11-30T00:00:00Z\"}",
            400,
            "invalid_timestamp",
            "originalTimestamp +999999999-12-31T23:59:59Z is more than 100 years from now"));
    c.add(
        track(
            "sentAt a billion years ago",
            "{\"userId\":\"u\",\"event\":\"E\",\"originalTimestamp\":\"2026-11-30T00:00:00Z\","
                + "\"sentAt\":\"-999999999-01-01T00:00:00Z\"}",
            400,
            "invalid_timestamp",
            "sentAt -999999999-01-01T00:00:00Z is more than 100 years from now"));
    return c.stream();
  }

  private static String order(String props) {
    return "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"order_id\":\"o1\","
        + props
        + "}}";
  }

  private static byte[] ok() {
    return "{\"userId\":\"u\",\"event\":\"Cart Viewed\"}".getBytes(StandardCharsets.UTF_8);
  }

  private static Case track(String name, String body, int status, String code, String message) {
    return raw(
        name,
        "/v1/track",
        json(WRITE_KEY),
        body.getBytes(StandardCharsets.UTF_8),
        status,
        code,
        message);
  }

  private static Case batch(String name, String events, int status, String code, String message) {
    return raw(
        name,
        "/v1/batch",
        json(WRITE_KEY),
        ("{\"batch\":[" + events + "]}").getBytes(StandardCharsets.UTF_8),
        status,
        code,
        message);
  }

  private static Case raw(
      String name,
      String path,
      Map<String, String> headers,
      byte[] body,
      int status,
      String code,
      String message) {
    return new Case(name, path, headers, body, status, code, message);
  }

  private static Map<String, String> json(String key) {
    return Http.json(key);
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return h;
  }

  private static byte[] concat(String a, byte[] mid, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] z = b.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[x.length + mid.length + z.length];
    System.arraycopy(x, 0, out, 0, x.length);
    System.arraycopy(mid, 0, out, x.length, mid.length);
    System.arraycopy(z, 0, out, x.length + mid.length, z.length);
    return out;
  }

  private static byte[] truncated(byte[] gz) {
    byte[] out = new byte[gz.length / 2];
    System.arraycopy(gz, 0, out, 0, out.length);
    return out;
  }

  private static String bigBatch(int events, int padBytes) {
    List<String> e = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      e.add(
          "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"pad\":\""
              + "y".repeat(padBytes)
              + "\"}}");
    }
    return "{\"batch\":[" + String.join(",", e) + "]}";
  }

  private static String manyEvents(int n) {
    List<String> e = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      e.add("{\"type\":\"track\",\"userId\":\"u" + i + "\",\"event\":\"E\"}");
    }
    return "{\"batch\":[" + String.join(",", e) + "]}";
  }
}
