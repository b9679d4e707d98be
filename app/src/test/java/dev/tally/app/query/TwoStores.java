package dev.tally.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.event.Json;
import dev.tally.core.sim.Workload;
import dev.tally.testkit.DynaliteFixture;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * One embedded stack for all query ITs of a JVM, seeded once through the real ingest API and
 * aggregator: store A is the demo store (UTC, USD); store B is created through the admin API
 * (America/New_York, EUR) and gets distinctive data (product ids {@code bstore-…}, prices above
 * 9,000 EUR) so that its numbers are recognizable anywhere.
 */
final class TwoStores {
  static final LocalDate LAST_DAY = LocalDate.now(ZoneOffset.UTC).minusDays(2);
  static final int DAYS = 45;
  static final ZoneId B_ZONE = ZoneId.of("America/New_York");

  final EmbeddedStack stack;
  final TallyClient client;
  final HttpClient http = HttpClient.newHttpClient();
  final String aRead = DemoStore.READ_KEY;
  final String aWrite = DemoStore.WRITE_KEY;
  final String bRead;
  final String bWrite;
  final List<ObjectNode> aEvents;
  final List<ObjectNode> bEvents;
  final EventOracle a;
  final EventOracle b;

  /** The acquisition figures of each store, recomputed from the raw events. */
  Map<String, Map<String, Long>> acquisition(boolean storeA) {
    return dev.tally.testkit.metrics.AcquisitionOracle.expected(
        List.of(raw(storeA)), storeA ? ZoneOffset.UTC : B_ZONE, storeA ? "USD" : "EUR");
  }

  /** The returning visitors of each day of a store, from the raw events. */
  Map<LocalDate, java.util.Set<String>> returning(boolean storeA) {
    return dev.tally.testkit.metrics.AcquisitionOracle.returning(
        List.of(raw(storeA)), storeA ? ZoneOffset.UTC : B_ZONE);
  }

  private List<dev.tally.testkit.metrics.RawEvent> raw(boolean storeA) {
    return (storeA ? aEvents : bEvents)
        .stream().map(dev.tally.testkit.metrics.RawEvent::fromSegment).toList();
  }

  private static TwoStores embedded;
  private static TwoStores dynamoDb;

  /** The stores on the embedded engine. */
  static synchronized TwoStores embedded() {
    if (embedded == null) {
      embedded = new TwoStores(Map.of());
      Runtime.getRuntime().addShutdownHook(new Thread(embedded.stack::close));
    }
    return embedded;
  }

  /** The stores on the DynamoDB engine (dynalite) with the SQS log (ElasticMQ). */
  static synchronized TwoStores dynamoDb() {
    if (dynamoDb == null) {
      SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
      int port = sqs.waitUntilStarted().localAddress().getPort();
      DynaliteFixture dynalite = DynaliteFixture.shared();
      String prefix = dynalite.uniquePrefix();
      dynamoDb =
          new TwoStores(
              Map.of(
                  "AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString(),
                  "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + port,
                  "TALLY_METRICS_TABLE", prefix + "metrics",
                  "TALLY_STORES_TABLE", prefix + "stores",
                  "TALLY_DEDUP_TABLE", prefix + "dedup",
                  "TALLY_SHOP_TABLE", prefix + "shop"));
      TwoStores s = dynamoDb;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    s.stack.close();
                    sqs.stopAndWait();
                  }));
    }
    return dynamoDb;
  }

  private TwoStores(Map<String, String> env) {
    stack = EmbeddedStack.start(StackConfig.forTests(), env);
    client = new TallyClient(stack.baseUri());
    try {
      JsonNode keys = createStoreB();
      bRead = keys.path("readKey").asText();
      bWrite = keys.path("writeKey").asText();
      aEvents = new Workload(11, 300, 40, DAYS, 6_000, LAST_DAY).generate();
      bEvents = new Workload(99, 150, 25, DAYS, 3_000, LAST_DAY).generate();
      bEvents.forEach(TwoStores::makeDistinctive);
      // Page URLs with UTM parameters, referrers and user agents, as browsers send them.
      dev.tally.testkit.metrics.Events.addTouches(new java.util.Random(11), aEvents);
      dev.tally.testkit.metrics.Events.addTouches(new java.util.Random(99), bEvents);
      send(aWrite, aEvents);
      send(bWrite, bEvents);
      assertThat(stack.drain(Duration.ofMinutes(5))).as("queue drained").isTrue();
    } catch (Exception e) {
      stack.close();
      throw new IllegalStateException("seeding failed: " + e, e);
    }
    a = new EventOracle(aEvents, ZoneOffset.UTC, 2);
    b = new EventOracle(bEvents, B_ZONE, 2);
  }

  private JsonNode createStoreB() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/stores"))
                    .header("Authorization", "Bearer test-admin-token")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"bstore\",\"timezone\":\"America/New_York\",\"currency\":\"EUR\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.mapper().readTree(r.body());
  }

  /** Product ids and prices nobody else has; orders in EUR, store B's currency. */
  private static void makeDistinctive(ObjectNode e) {
    JsonNode props = e.get("properties");
    if (!(props instanceof ObjectNode p)) {
      return;
    }
    if (p.has("product_id")) {
      p.put("product_id", "bstore-" + p.path("product_id").asText());
      p.put("price", p.path("price").decimalValue().add(BigDecimal.valueOf(9000)));
    }
    if (p.has("currency")) {
      p.put("currency", "EUR");
    }
    if (p.has("products")) {
      BigDecimal total = BigDecimal.ZERO;
      for (JsonNode line : p.path("products")) {
        ObjectNode l = (ObjectNode) line;
        l.put("product_id", "bstore-" + l.path("product_id").asText());
        BigDecimal price = l.path("price").decimalValue().add(BigDecimal.valueOf(9000));
        l.put("price", price);
        total = total.add(price.multiply(BigDecimal.valueOf(l.path("quantity").asLong(1))));
      }
      p.put("revenue", total);
    }
  }

  private void send(String writeKey, List<ObjectNode> events) throws Exception {
    for (int i = 0; i < events.size(); i += 400) {
      HttpResponse<String> r =
          client.batch(writeKey, events.subList(i, Math.min(events.size(), i + 400)), true);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  JsonNode get(String pathAndQuery, String readKey) throws Exception {
    HttpResponse<String> r = raw(pathAndQuery, readKey);
    assertThat(r.statusCode()).as(pathAndQuery + " → " + r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  /** A GET that, like a well-behaved client, waits out a 429 for as long as Retry-After says. */
  HttpResponse<String> raw(String pathAndQuery, String readKey) throws Exception {
    HttpResponse<String> r = once(pathAndQuery, readKey);
    for (int i = 0; i < 5 && r.statusCode() == 429; i++) {
      Thread.sleep(1000L * Long.parseLong(r.headers().firstValue("Retry-After").orElse("1")));
      r = once(pathAndQuery, readKey);
    }
    return r;
  }

  private HttpResponse<String> once(String pathAndQuery, String readKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(stack.baseUri().resolve(pathAndQuery)).GET();
    if (readKey != null) {
      b.header("Authorization", "Bearer " + readKey);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An anonymous id of store A that never signed in (workload users with index % 3 != 0). */
  String anonymousOnly() {
    return a.facts().stream()
        .map(EventOracle.Fact::anon)
        .filter(id -> Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) % 3 != 0)
        .findFirst()
        .orElseThrow();
  }
}
