package dev.tally.opensearch.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.event.Json;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.regulation.ItemRegulations;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.regulation.RegulationSteps;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.http.AdminToken;
import dev.tally.testkit.MutableClock;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API v2 adapter over the shared regulation API, on in-memory tables: the same statuses
 * and JSON bodies as {@code tally up}'s routes, and the schedule's settle delay.
 */
class RegulationHandlerTest {
  static final String TOKEN = "adm_test_token";

  final MutableClock clock = MutableClock.now();
  final AtomicInteger secretReads = new AtomicInteger();
  RegulationHandler handler;
  InMemoryItemStore stores;
  InMemoryItemStore metrics;

  @BeforeEach
  void setUp() {
    stores = new InMemoryItemStore(clock);
    metrics = new InMemoryItemStore(clock);
    ItemStoreRegistry registry = new ItemStoreRegistry(stores);
    registry.create(Store.of("shop", "UTC", "USD", List.of()), "wk_shop_write", "rk_shop_read");
    handler =
        new RegulationHandler(
            new RegulationSteps.Sources(
                registry,
                new ItemRegulations(stores),
                new ItemSuppressionList(stores, clock),
                metrics,
                new InMemoryItemStore(clock),
                4,
                null,
                List.of(),
                List.of(),
                clock),
            AdminToken.readOnce(
                () -> {
                  secretReads.incrementAndGet();
                  return TOKEN;
                }),
            clock,
            Duration.ofMinutes(2));
  }

  static APIGatewayV2HTTPEvent event(String resource) throws Exception {
    ObjectMapper m =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    try (InputStream in = RegulationHandlerTest.class.getResourceAsStream(resource)) {
      return m.readValue(in, APIGatewayV2HTTPEvent.class);
    }
  }

  static APIGatewayV2HTTPEvent post(String body) throws Exception {
    APIGatewayV2HTTPEvent e = event("/apigw-v2-regulation-post.json");
    if (body != null) {
      e.setBody(body);
    }
    return e;
  }

  static APIGatewayV2HTTPEvent get(String id) throws Exception {
    APIGatewayV2HTTPEvent e = event("/apigw-v2-regulation-get.json");
    e.setRawPath("/admin/v1/regulations/" + id);
    return e;
  }

  JsonNode call(APIGatewayV2HTTPEvent e, int status) throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(status);
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
    return Json.mapper().readTree(r.getBody());
  }

  static String error(String code, String message) {
    return Json.mapper().createObjectNode().put("error", code).put("message", message).toString();
  }

  @Test
  void post_suppressesAtOnce_andTheScheduleDeletesOnlyAfterTheSettleDelay() throws Exception {
    JsonNode created = call(post(null), 202);
    String id = created.path("id").asText();
    assertThat(created.path("regulateId").asText()).isEqualTo(id);
    assertThat(created.path("store").asText()).isEqualTo("shop");
    assertThat(created.at("/steps/1/name").asText()).isEqualTo("suppress");
    assertThat(created.at("/steps/1/status").asText()).isEqualTo("DONE");
    assertThat(created.at("/steps/2/status").asText()).isEqualTo("PENDING");

    assertThat(handler.runSettled(Map.of(), null)).isEqualTo("ran 0");
    assertThat(call(get(id), 200).path("status").asText()).isEqualTo("RUNNING");

    clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    assertThat(handler.runSettled(Map.of(), null)).isEqualTo("ran 1");
    JsonNode done = call(get(id), 200);
    assertThat(done.path("status").asText()).isEqualTo("DONE");
    assertThat(done.toString()).contains("delete-person-items").doesNotContain("\"u1\"");
    assertThat(handler.runSettled(Map.of(), null)).as("nothing left").isEqualTo("ran 0");
    assertThat(secretReads).as("the secret is read once per instance").hasValue(1);
  }

  @Test
  void post_answersTheSharedValidationErrors() throws Exception {
    assertThat(
            call(
                post(
                    "{\"store\":\"nope\",\"regulationType\":\"SUPPRESS\",\"subjectType\":\"USER_ID\",\"subjectIds\":[\"u1\"]}"),
                400))
        .hasToString(error("unknown_store", "store 'nope' does not exist"));
    assertThat(
            call(
                post(
                    "{\"store\":\"shop\",\"regulationType\":\"ERASE\",\"subjectType\":\"USER_ID\",\"subjectIds\":[\"u1\"]}"),
                400))
        .hasToString(
            error(
                "invalid_field",
                "regulationType must be one of SUPPRESS, SUPPRESS_WITH_DELETE, DELETE_ONLY,"
                    + " UNSUPPRESS"));
    assertThat(
            call(
                post(
                    "{\"store\":\"shop\",\"regulationType\":\"SUPPRESS\",\"subjectType\":\"USER_ID\"}"),
                400))
        .hasToString(error("invalid_field", "subjectIds must be an array of ids"));
    assertThat(
            call(
                post(
                    "{\"store\":\"shop\",\"regulationType\":\"SUPPRESS\",\"subjectType\":\"USER_ID\",\"subjectIds\":[]}"),
                400))
        .hasToString(error("invalid_field", "subjectIds must hold at least one id"));
    assertThat(call(post("{\"store\":"), 400))
        .hasToString(error("malformed_json", "request body is not valid JSON"));
  }

  @Test
  void wrongOrMissingToken_is401_andAnUnknownIdIs404() throws Exception {
    APIGatewayV2HTTPEvent wrong = post(null);
    wrong.getHeaders().put("authorization", "Bearer adm_wrong");
    assertThat(call(wrong, 401)).hasToString(error("invalid_key", "this admin token is not valid"));
    APIGatewayV2HTTPEvent missing = get("reg_0123");
    missing.getHeaders().remove("authorization");
    assertThat(call(missing, 401))
        .hasToString(error("missing_key", "Authorization: Bearer <admin token> is required"));
    assertThat(call(get("reg_0123"), 404))
        .hasToString(error("not_found", "no regulation 'reg_0123'"));
  }

  @Test
  void ledger_answersTheKeptFigures_andRefusesBadQueries() throws Exception {
    metrics.putAll(
        List.of(
            dev.tally.core.item.Item.of(
                dev.tally.core.regulation.KeptLedger.dayKey(
                    "shop", java.time.LocalDate.parse("2026-11-02")),
                Map.of(
                    "ordersCompleted",
                    dev.tally.core.item.AttrValue.num(1),
                    "revenue",
                    dev.tally.core.item.AttrValue.num(4250)))));
    JsonNode kept =
        call(ledger(Map.of("store", "shop", "from", "2026-11-01", "to", "2026-11-30")), 200);
    assertThat(kept.at("/days/2026-11-02/revenue").asLong()).isEqualTo(4250);
    assertThat(kept.at("/days/2026-11-02/ordersCompleted").asLong()).isEqualTo(1);
    assertThat(call(ledger(Map.of("store", "nope", "from", "2026-11-01", "to", "2026-11-30")), 404))
        .hasToString(error("not_found", "no store 'nope'"));
    assertThat(call(ledger(Map.of("store", "shop", "from", "2026-11-01")), 400))
        .hasToString(error("invalid_range", "to is required (YYYY-MM-DD)"));
  }

  static APIGatewayV2HTTPEvent ledger(Map<String, String> query) throws Exception {
    APIGatewayV2HTTPEvent e = event("/apigw-v2-regulation-get.json");
    e.setRawPath("/admin/v1/ledger");
    e.setQueryStringParameters(new java.util.HashMap<>(query));
    return e;
  }

  @Test
  void adminToken_fromTheEnvironment_orASecretReadOnlyWhenARequestNeedsIt() {
    RegulationHandler.adminToken(Map.of("TALLY_ADMIN_TOKEN", "adm_env"))
        .authorize("Bearer adm_env");
    AdminToken none = RegulationHandler.adminToken(Map.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> none.authorize("Bearer x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TALLY_ADMIN_SECRET_ARN");
  }
}
