package dev.tally.ingest.it;

import static dev.tally.ingest.it.IngestStack.ALLOWED_ORIGIN;
import static dev.tally.ingest.it.IngestStack.BROWSER_STORE;
import static dev.tally.ingest.it.IngestStack.BROWSER_WRITE_KEY;
import static dev.tally.ingest.it.IngestStack.STORE;
import static dev.tally.ingest.it.IngestStack.WRITE_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.TrackMessage;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Event;
import dev.tally.core.event.IdentifyEvent;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.event.PageEvent;
import dev.tally.core.event.TrackEvent;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.log.SqsEventLog;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ingest over real HTTP into a real ElasticMQ queue, read back and decoded with the log codec. */
class SqsIngestIT {
  static IngestStack stack;

  @BeforeAll
  static void start() {
    stack = new IngestStack();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void segmentJavaClient_postsToImportWithBodyKey_andEveryCallArrivesOnTheQueue() throws Exception {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      SegmentClient.sendAll(
          server.base(),
          WRITE_KEY,
          TrackMessage.builder("Product Viewed")
              .messageId("seg-1")
              .anonymousId("device-1")
              .properties(
                  Map.of("product_id", "p-9", "sku", "SKU-9", "price", 19.99, "currency", "USD")),
          TrackMessage.builder("Order Completed")
              .messageId("seg-2")
              .userId("user-1")
              .anonymousId("device-1")
              .properties(
                  Map.of(
                      "order_id",
                      "o-1",
                      "revenue",
                      39.98,
                      "total",
                      42.5,
                      "products",
                      List.of(Map.of("product_id", "p-9", "price", 19.99, "quantity", 2)))),
          PageMessage.builder("Home").messageId("seg-3").anonymousId("device-1"),
          IdentifyMessage.builder()
              .messageId("seg-4")
              .userId("user-1")
              .traits(Map.of("plan", "pro")),
          AliasMessage.builder("device-1").messageId("seg-5").userId("user-1"));

      Map<String, Event> byId = byMessageId(stack.drain(queue));
      assertThat(byId).containsOnlyKeys("seg-1", "seg-2", "seg-3", "seg-4", "seg-5");
      TrackEvent viewed = (TrackEvent) byId.get("seg-1");
      assertThat(viewed.event()).isEqualTo("Product Viewed");
      assertThat(viewed.header().anonymousId()).isEqualTo("device-1");
      assertThat(viewed.properties().get("sku").asText()).isEqualTo("SKU-9");
      assertThat(viewed.properties().get("price").decimalValue()).isEqualByComparingTo("19.99");
      assertThat(viewed.header().receivedAt()).isNotNull();
      assertThat(viewed.header().sentAt()).isNotNull();
      assertThat(viewed.header().originalTimestamp()).isNotNull();
      assertThat(Duration.between(viewed.header().timestamp(), Instant.now()).abs())
          .isLessThan(Duration.ofMinutes(1));
      TrackEvent order = (TrackEvent) byId.get("seg-2");
      assertThat(order.properties().get("products").get(0).get("quantity").asInt()).isEqualTo(2);
      assertThat(byId.get("seg-3")).isInstanceOf(PageEvent.class);
      assertThat(byId.get("seg-4")).isInstanceOf(IdentifyEvent.class);
      assertThat(((AliasEvent) byId.get("seg-5")).previousId()).isEqualTo("device-1");
    }
  }

  @Test
  void rawHttp_everyEndpoint_basicAuthOrBodyKey_jsonOrGzip_arrivesOnTheQueue() {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      var base = server.base();
      assertOk(
          Http.post(
              base,
              "/v1/track",
              WRITE_KEY,
              "{\"messageId\":\"r-1\",\"userId\":\"u1\",\"event\":\"Product Added\","
                  + "\"properties\":{\"product_id\":\"p1\",\"price\":10,\"quantity\":1}}"));
      assertOk(
          Http.post(
              base,
              "/v1/page",
              WRITE_KEY,
              "{\"messageId\":\"r-2\",\"anonymousId\":\"a1\",\"name\":\"Cart\"}"));
      assertOk(
          Http.post(
              base,
              "/v1/identify",
              WRITE_KEY,
              "{\"messageId\":\"r-3\",\"userId\":\"u1\",\"traits\":{\"email\":\"x@example.com\"}}"));
      assertOk(
          Http.post(
              base,
              "/v1/alias",
              WRITE_KEY,
              "{\"messageId\":\"r-4\",\"userId\":\"u1\",\"previousId\":\"a1\"}"));
      // Write key in the body, no Authorization header, gzip-compressed.
      String batch =
          "{\"writeKey\":\""
              + WRITE_KEY
              + "\",\"batch\":["
              + "{\"type\":\"track\",\"messageId\":\"r-5\",\"anonymousId\":\"a1\",\"event\":\"Checkout Started\"},"
              + "{\"type\":\"track\",\"messageId\":\"r-6\",\"anonymousId\":\"a1\",\"event\":\"Newsletter Signup\"}]}";
      var headers = Http.json(null);
      headers.put("Content-Encoding", "gzip");
      assertOk(Http.post(base, "/v1/batch", headers, Http.gzip(batch)));
      // The Segment Java client's path: /v1/import/ with a trailing slash.
      assertOk(
          Http.post(
              base,
              "/v1/import/",
              null,
              "{\"writeKey\":\""
                  + WRITE_KEY
                  + "\",\"batch\":[{\"type\":\"track\",\"messageId\":\"r-7\",\"userId\":\"u1\",\"event\":\"Cart Viewed\"}]}"));

      Map<String, Event> byId = byMessageId(stack.drain(queue));
      assertThat(byId).containsOnlyKeys("r-1", "r-2", "r-3", "r-4", "r-5", "r-6", "r-7");
      assertThat(((TrackEvent) byId.get("r-6")).event()).isEqualTo("Newsletter Signup");
    }
  }

  @Test
  void sameMessageIdSentTwice_isPublishedOnce() {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      String body =
          "{\"messageId\":\"dup-1\",\"userId\":\"u2\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\"}}";
      HttpResponse<String> first = Http.post(server.base(), "/v1/track", WRITE_KEY, body);
      HttpResponse<String> second = Http.post(server.base(), "/v1/track", WRITE_KEY, body);
      assertOk(first);
      assertOk(second);
      assertThat(json(second).path("duplicates").asInt()).isEqualTo(1);
      // Within one batch, too.
      assertOk(
          Http.post(
              server.base(),
              "/v1/batch",
              WRITE_KEY,
              "{\"batch\":[" + withType(body) + "," + withType(body) + "]}"));

      List<Event> events = stack.drain(queue);
      assertThat(events).extracting(Event::messageId).containsExactly("dup-1");
      assertThat(stack.dedupRecorded(STORE, "dup-1")).isTrue();
    }
  }

  @Test
  void missingMessageId_isAssignedAtIngest_andSkewIsCorrected() {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      // The client's clock is 2 h fast: sentAt and timestamp both carry the skew.
      Instant clientNow = Instant.now().plus(2, ChronoUnit.HOURS);
      String body =
          "{\"anonymousId\":\"skewed\",\"event\":\"Cart Viewed\",\"timestamp\":\""
              + clientNow.minusSeconds(60)
              + "\",\"sentAt\":\""
              + clientNow
              + "\"}";
      assertOk(Http.post(server.base(), "/v1/track", WRITE_KEY, body));
      Event e = stack.drain(queue).get(0);
      assertThat(e.messageId()).isNotBlank();
      assertThat(e.header().originalTimestamp()).isEqualTo(clientNow.minusSeconds(60));
      assertThat(e.header().sentAt()).isEqualTo(clientNow);
      assertThat(e.header().timestamp()).isEqualTo(e.header().receivedAt().minusSeconds(60));
    }
  }

  @Test
  void batchWithSomeBadEvents_acceptsTheGoodOnes_andListsEachRejection() {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      String batch =
          "{\"batch\":["
              + "{\"type\":\"track\",\"messageId\":\"b-0\",\"userId\":\"u\",\"event\":\"Product Viewed\"},"
              + "{\"type\":\"track\",\"messageId\":\"b-1\",\"event\":\"Product Viewed\"},"
              + "{\"type\":\"track\",\"messageId\":\"b-2\",\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":-5}},"
              + "{\"type\":\"page\",\"messageId\":\"b-3\",\"anonymousId\":\"a\"}]}";
      HttpResponse<String> r = Http.post(server.base(), "/v1/batch", WRITE_KEY, batch);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode j = json(r);
      assertThat(j.path("success").asBoolean()).isTrue();
      assertThat(j.path("accepted").asInt()).isEqualTo(2);
      assertThat(j.path("rejected")).hasSize(2);
      assertThat(j.at("/rejected/0/index").asInt()).isEqualTo(1);
      assertThat(j.at("/rejected/0/messageId").asText()).isEqualTo("b-1");
      assertThat(j.at("/rejected/0/error").asText()).isEqualTo("userId or anonymousId is required");
      assertThat(j.at("/rejected/1/index").asInt()).isEqualTo(2);
      assertThat(j.at("/rejected/1/error").asText())
          .isEqualTo("properties.revenue must not be negative");
      assertThat(stack.drain(queue)).extracting(Event::messageId).containsExactly("b-0", "b-3");
    }
  }

  @Test
  void manyEventsOfOneRequest_shareOneQueueMessage() {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        events.add(
            "{\"type\":\"track\",\"messageId\":\"many-"
                + i
                + "\",\"anonymousId\":\"d"
                + i % 7
                + "\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p"
                + i
                + "\"}}");
      }
      assertOk(
          Http.post(
              server.base(),
              "/v1/batch",
              WRITE_KEY,
              "{\"batch\":[" + String.join(",", events) + "]}"));
      List<LogEntry> entries = stack.drainEntries(queue);
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).storeId()).isEqualTo(STORE);
      assertThat(entries.get(0).events()).hasSize(100);
    }
  }

  @Test
  void importAcceptsHistoricalEvents_whileLiveEndpointsRefuseThem() {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      String old = Instant.now().minus(90, ChronoUnit.DAYS).toString();
      String event =
          "{\"type\":\"track\",\"messageId\":\"old-1\",\"userId\":\"u\",\"event\":\"Order Completed\",\"timestamp\":\""
              + old
              + "\"}";
      HttpResponse<String> live =
          Http.post(server.base(), "/v1/batch", WRITE_KEY, "{\"batch\":[" + event + "]}");
      assertThat(live.statusCode()).isEqualTo(400);
      assertThat(live.body()).contains("older than 30 days; send historical events to /v1/import");
      assertOk(Http.post(server.base(), "/v1/import", WRITE_KEY, "{\"batch\":[" + event + "]}"));
      Event e = stack.drain(queue).get(0);
      assertThat(e.header().timestamp()).isEqualTo(Instant.parse(old));
    }
  }

  @Test
  void browserBeacon_textPlainWithBodyKey_isAcceptedWithCors_andAnUnlistedOriginIsRefused() {
    String queue = stack.newQueue();
    try (var server = stack.serve(queue)) {
      HttpResponse<String> preflight = Http.options(server.base(), "/v1/batch", ALLOWED_ORIGIN);
      assertThat(preflight.statusCode()).isEqualTo(204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
          .contains(ALLOWED_ORIGIN);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
          .contains("Authorization");

      String beacon =
          "{\"writeKey\":\""
              + BROWSER_WRITE_KEY
              + "\",\"batch\":[{\"type\":\"track\",\"messageId\":\"beacon-1\","
              + "\"anonymousId\":\"web-1\",\"event\":\"Product Added\",\"properties\":{\"price\":12.5,\"currency\":\"EUR\"}}]}";
      Map<String, String> headers =
          Map.of("Content-Type", "text/plain;charset=UTF-8", "Origin", ALLOWED_ORIGIN);
      HttpResponse<String> ok =
          Http.post(server.base(), "/v1/batch", headers, beacon.getBytes(StandardCharsets.UTF_8));
      assertOk(ok);
      assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);

      Map<String, String> evil =
          Map.of("Content-Type", "text/plain", "Origin", "https://evil.example");
      HttpResponse<String> refused =
          Http.post(
              server.base(),
              "/v1/batch",
              evil,
              beacon.replace("beacon-1", "beacon-2").getBytes(StandardCharsets.UTF_8));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

      List<LogEntry> entries = stack.drainEntries(queue);
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).storeId()).isEqualTo(BROWSER_STORE);
      assertThat(entries.get(0).events()).extracting(Event::messageId).containsExactly("beacon-1");
    }
  }

  @Test
  void keyOverItsRate_gets429WithRetryAfter() {
    String queue = stack.newQueue();
    IngestConfig strict = IngestConfig.defaults().withRateLimit(1, 2);
    try (var server =
        stack.serve(strict, new SqsEventLog(stack.sqs, queue), IngestMetrics.noop())) {
      String body = "{\"userId\":\"u\",\"event\":\"Cart Viewed\"}";
      assertOk(Http.post(server.base(), "/v1/track", WRITE_KEY, body));
      assertOk(Http.post(server.base(), "/v1/track", WRITE_KEY, body));
      HttpResponse<String> limited = Http.post(server.base(), "/v1/track", WRITE_KEY, body);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After"))
          .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
      assertThat(json(limited).path("error").asText()).isEqualTo("rate_limited");
      assertThat(stack.drain(queue)).hasSize(2);
    }
  }

  @Test
  void deletedQueue_answers503WithRetryAfter_writesNoDedupRecord_andALaterRetryIsCountedOnce() {
    String queue = stack.newQueue();
    String name = queue.substring(queue.lastIndexOf('/') + 1);
    try (var server = stack.serve(queue)) {
      String body =
          "{\"messageId\":\"outage-1\",\"userId\":\"u3\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":25}}";
      stack.sqs.deleteQueue(b -> b.queueUrl(queue));

      HttpResponse<String> down = Http.post(server.base(), "/v1/track", WRITE_KEY, body);
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.headers().firstValue("Retry-After")).contains("5");
      assertThat(json(down).path("error").asText()).isEqualTo("log_unavailable");
      assertThat(stack.dedupRecorded(STORE, "outage-1")).isFalse();

      assertThat(stack.sqs.createQueue(b -> b.queueName(name)).queueUrl()).isEqualTo(queue);
      assertOk(Http.post(server.base(), "/v1/track", WRITE_KEY, body));
      HttpResponse<String> again = Http.post(server.base(), "/v1/track", WRITE_KEY, body);
      assertOk(again);
      assertThat(json(again).path("duplicates").asInt()).isEqualTo(1);
      assertThat(stack.drain(queue)).extracting(Event::messageId).containsExactly("outage-1");
      assertThat(stack.dedupRecorded(STORE, "outage-1")).isTrue();
    }
  }

  private static String withType(String body) {
    return body.replaceFirst("\\{", "{\"type\":\"track\",");
  }

  private static Map<String, Event> byMessageId(List<Event> events) {
    return events.stream().collect(Collectors.toMap(Event::messageId, Function.identity()));
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return Json.mapper().readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  static void assertOk(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("success").asBoolean()).isTrue();
  }
}
