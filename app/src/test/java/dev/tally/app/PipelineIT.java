package dev.tally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.event.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton: HTTP track call → durable log → aggregator → embedded engine → query API.
 */
class PipelineIT {
  static EmbeddedStack stack;
  static TallyClient client;

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start(StackConfig.forTests(), Map.of());
    client = new TallyClient(stack.baseUri());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void trackedProductView_isReadBackFromTheQueryApi() throws Exception {
    String day = LocalDate.now(ZoneOffset.UTC).toString();
    String body =
        "{\"userId\":\"skeleton-user\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\"},"
            + "\"timestamp\":\""
            + Instant.now()
            + "\"}";
    assertThat(client.post("/v1/track", DemoStore.WRITE_KEY, body).statusCode()).isEqualTo(200);
    assertThat(
            client
                .post(
                    "/v1/track",
                    DemoStore.WRITE_KEY,
                    body.replace("skeleton-user\"", "skeleton-user\",\"messageId\":\"m2\""))
                .statusCode())
        .isEqualTo(200);
    assertThat(stack.drain(Duration.ofSeconds(20))).isTrue();

    HttpResponse<String> r =
        client.get(
            "/api/v1/users/skeleton-user/metrics?from=" + day + "&to=" + day, DemoStore.READ_KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode json = Json.mapper().readTree(r.body());
    assertThat(json.at("/days/0/productViews").asLong()).isEqualTo(2);
    assertThat(json.at("/totals/productViews").asLong()).isEqualTo(2);
    assertThat(json.at("/totals/events").asLong()).isEqualTo(2);
  }

  @Test
  void invalidJson_gets400NamingTheProblem_andTheServerKeepsServing() throws Exception {
    HttpResponse<String> bad =
        client.post("/v1/track", DemoStore.WRITE_KEY, "{\"userId\": \"u\", ");
    assertThat(bad.statusCode()).isEqualTo(400);
    JsonNode err = Json.mapper().readTree(bad.body());
    assertThat(err.path("error").asText()).isEqualTo("malformed_json");
    assertThat(err.path("message").asText()).contains("not valid JSON").contains("line 1");

    HttpResponse<String> good =
        client.post(
            "/v1/track", DemoStore.WRITE_KEY, "{\"anonymousId\":\"a1\",\"event\":\"Cart Viewed\"}");
    assertThat(good.statusCode()).isEqualTo(200);
  }

  @Test
  void healthz_answers200_onceQueueAndTablesExist() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(stack.baseUri().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(stack.healthy()).isTrue();
  }

  @Test
  void adminEndpoint_createsAStoreWhoseKeysWork_andStoresOnlyHashes() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/stores"))
                    .header("Authorization", "Bearer test-admin-token")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"prints\",\"timezone\":\"Europe/Berlin\",\"allowedOrigins\":[\"https://prints.example\"]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode keys = Json.mapper().readTree(r.body());
    String writeKey = keys.path("writeKey").asText();
    String readKey = keys.path("readKey").asText();
    assertThat(writeKey).startsWith("wk_");

    assertThat(
            client
                .post("/v1/track", writeKey, "{\"userId\":\"x\",\"event\":\"Checkout Started\"}")
                .statusCode())
        .isEqualTo(200);
    assertThat(client.get("/api/v1/store", readKey).body()).contains("Europe/Berlin");
    // Keys do not cross over: a write key cannot read, a read key cannot write.
    assertThat(client.get("/api/v1/store", writeKey).statusCode()).isEqualTo(401);
    assertThat(client.post("/v1/track", readKey, "{\"userId\":\"x\",\"event\":\"E\"}").statusCode())
        .isEqualTo(401);
    // Only hashes are stored.
    var items = ((dev.tally.sqlite.SqliteItemStore) stack.engine().stores()).scan();
    assertThat(items.toString()).doesNotContain(writeKey).doesNotContain(readKey);

    HttpResponse<String> wrongToken =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/stores"))
                    .header("Authorization", "Bearer nope")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"other\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(wrongToken.statusCode()).isEqualTo(401);
  }
}
