package dev.tally.query.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.event.Json;
import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.query.MetricsReader;
import dev.tally.query.QueryConfig;
import dev.tally.query.QueryRequest;
import dev.tally.query.QueryService;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class QueryHandlerTest {
  static APIGatewayV2HTTPEvent event(String resource) throws Exception {
    ObjectMapper m =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    try (InputStream in = QueryHandlerTest.class.getResourceAsStream(resource)) {
      return m.readValue(in, APIGatewayV2HTTPEvent.class);
    }
  }

  /** An empty item store that remembers the last partition read. */
  static ItemStore emptyTable(AtomicReference<String> lastPk) {
    return new ForwardingItemStore(InMemoryItemStore.create()) {
      @Override
      public List<Item> query(ItemQuery query) {
        lastPk.set(query.pk());
        return delegate.query(query);
      }
    };
  }

  @Test
  void v2Event_mapsPathQueryAndLowerCaseAuthorizationHeader() throws Exception {
    QueryRequest r = QueryHandler.toRequest(event("/apigw-v2-user-metrics.json"));
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/api/v1/users/user%2042/metrics");
    assertThat(r.query()).containsEntry("from", "2026-11-01").containsEntry("to", "2026-11-07");
    assertThat(r.authorization()).isEqualTo("Bearer rk_test_read");
  }

  @Test
  void handler_answersThroughTheSharedService_withJsonAndHeaders() throws Exception {
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(Store.of("shop", "UTC", "USD", List.of()), "wk_test_write", "rk_test_read");
    AtomicReference<String> lastPk = new AtomicReference<>();
    QueryHandler handler =
        new QueryHandler(
            new QueryService(
                stores, new MetricsReader(emptyTable(lastPk)), QueryConfig.defaults()));

    APIGatewayV2HTTPResponse user =
        handler.handleRequest(event("/apigw-v2-user-metrics.json"), null);
    assertThat(user.getStatusCode()).as(user.getBody()).isEqualTo(200);
    assertThat(user.getHeaders()).containsEntry("Content-Type", "application/json");
    var body = Json.mapper().readTree(user.getBody());
    assertThat(body.path("uid").asText()).isEqualTo("user 42");
    assertThat(body.path("days")).hasSize(7);
    assertThat(lastPk.get()).startsWith("shop#USER#");

    APIGatewayV2HTTPResponse doc = handler.handleRequest(event("/apigw-v2-openapi.json"), null);
    assertThat(doc.getStatusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(doc.getBody()).path("openapi").asText()).isEqualTo("3.1.0");

    APIGatewayV2HTTPEvent noKey = event("/apigw-v2-user-metrics.json");
    noKey.getHeaders().remove("authorization");
    APIGatewayV2HTTPResponse refused = handler.handleRequest(noKey, null);
    assertThat(refused.getStatusCode()).isEqualTo(401);
    assertThat(refused.getHeaders()).containsKey("WWW-Authenticate");
  }
}
