package dev.tally.ingest.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.event.Event;
import dev.tally.core.event.Json;
import dev.tally.core.port.InMemoryDedupStore;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestHttp;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.IngestService;
import dev.tally.ingest.RecordingEventLog;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Lambda adapter's mapping, driven by real API Gateway HTTP API (payload v2) events. */
class IngestHandlerTest {
  private static final ObjectMapper LAMBDA_JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private RecordingEventLog log;
  private IngestHandler handler;

  @BeforeEach
  void setUp() {
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(
        Store.of("lambda-shop", "UTC", "USD", List.of("https://shop.example")),
        "wk_lambda_test",
        "rk_lambda_test");
    log = new RecordingEventLog();
    IngestService service =
        new IngestService(
            IngestConfig.defaults(),
            stores,
            InMemoryDedupStore.create(),
            log,
            Clock.systemUTC(),
            IngestMetrics.noop());
    handler = new IngestHandler(new IngestHttp(service));
  }

  @Test
  void trackWithBasicAuth_isPublished_andAnswers200Json() throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(event("apigw-v2-track.json"), null);
    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
    JsonNode body = Json.mapper().readTree(r.getBody());
    assertThat(body.path("success").asBoolean()).isTrue();
    assertThat(body.path("accepted").asInt()).isEqualTo(1);
    assertThat(log.events()).extracting(Event::messageId).containsExactly("lambda-1");
  }

  @Test
  void base64GzipBodyOnImportWithTrailingSlash_andBodyWriteKey_isPublished() {
    APIGatewayV2HTTPResponse r = handler.handleRequest(event("apigw-v2-import-gzip.json"), null);
    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
    assertThat(log.events()).extracting(Event::messageId).containsExactly("lambda-2", "lambda-3");
    assertThat(log.events().get(0).header().sentAt()).isNotNull();
  }

  @Test
  void beaconFromAnAllowedOrigin_getsCorsHeaders() {
    APIGatewayV2HTTPResponse r = handler.handleRequest(event("apigw-v2-beacon.json"), null);
    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
    assertThat(r.getHeaders()).containsEntry("Access-Control-Allow-Origin", "https://shop.example");
  }

  @Test
  void preflight_answers204WithAllowedMethodsAndHeaders() {
    APIGatewayV2HTTPResponse r = handler.handleRequest(event("apigw-v2-preflight.json"), null);
    assertThat(r.getStatusCode()).isEqualTo(204);
    assertThat(r.getHeaders())
        .containsEntry("Access-Control-Allow-Origin", "https://shop.example")
        .containsEntry("Access-Control-Allow-Methods", "POST, OPTIONS");
    assertThat(log.events()).isEmpty();
  }

  @Test
  void handledRequest_emitsEmfMetrics_acceptedAndPublishLatency() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    dev.tally.observability.EmfMetrics emf =
        dev.tally.observability.EmfMetrics.create(
            "ingest",
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            Clock.systemUTC());
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(
        Store.of("lambda-shop", "UTC", "USD", List.of("https://shop.example")),
        "wk_lambda_test",
        "rk_lambda_test");
    IngestService service =
        new IngestService(
            IngestConfig.defaults(),
            stores,
            InMemoryDedupStore.create(),
            log,
            Clock.systemUTC(),
            IngestMetrics.emf(emf));

    new IngestHandler(new IngestHttp(service), emf)
        .handleRequest(event("apigw-v2-track.json"), null);

    JsonNode line = Json.mapper().readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(line.get("Function").asText()).isEqualTo("ingest");
    assertThat(line.get("EventsAccepted").asInt()).isEqualTo(1);
    assertThat(line.has("PublishLatency")).isTrue();
    assertThat(line.at("/_aws/CloudWatchMetrics/0/Metrics").toString())
        .contains("EventsAccepted", "PublishLatency");
  }

  @Test
  void unknownPath_answers404() {
    APIGatewayV2HTTPResponse r = handler.handleRequest(event("apigw-v2-unknown-path.json"), null);
    assertThat(r.getStatusCode()).isEqualTo(404);
    assertThat(r.getBody()).contains("not_found");
  }

  @Test
  void logDown_answers503WithRetryAfter() {
    log.down = true;
    APIGatewayV2HTTPResponse r = handler.handleRequest(event("apigw-v2-track.json"), null);
    assertThat(r.getStatusCode()).isEqualTo(503);
    assertThat(r.getHeaders()).containsEntry("Retry-After", "5");
  }

  @Test
  void badBase64_answers400() throws Exception {
    APIGatewayV2HTTPEvent e = event("apigw-v2-track.json");
    e.setIsBase64Encoded(true);
    e.setBody("%%% not base64 %%%");
    APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
    assertThat(r.getStatusCode()).isEqualTo(400);
    assertThat(r.getBody()).contains("not valid base64");
  }

  private static APIGatewayV2HTTPEvent event(String resource) {
    try (InputStream in = IngestHandlerTest.class.getResourceAsStream("/" + resource)) {
      return LAMBDA_JSON.readValue(in, APIGatewayV2HTTPEvent.class);
    } catch (IOException e) {
      throw new IllegalStateException(resource, e);
    }
  }
}
