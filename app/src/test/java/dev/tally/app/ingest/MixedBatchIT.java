package dev.tally.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.event.Json;
import dev.tally.core.item.Item;
import dev.tally.ingest.ItemRejectedEvents;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One hostile batch: 40 innocent events of different people, one with a 30 KB product id, one with
 * a timestamp a billion years away. The batch answers 200 naming the two bad events; every innocent
 * event is counted once; the bad ones are kept with their reasons; every read answers 200.
 */
class MixedBatchIT {
  @Test
  void badEventsInABatch_affectOnlyThemselves_andAreKeptWithTheirReasons() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests(), Map.of())) {
      TallyClient client = new TallyClient(stack.baseUri());
      List<ObjectNode> batch = new ArrayList<>();
      Instant now = Instant.now();
      for (int i = 0; i < 40; i++) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("type", "track").put("event", "Product Viewed").put("anonymousId", "visitor-" + i);
        e.put("messageId", "ok-" + i).put("timestamp", now.toString());
        e.putObject("properties").put("product_id", "p" + (i % 3));
        batch.add(e);
      }
      ObjectNode longId = Json.mapper().createObjectNode();
      longId.put("type", "track").put("event", "Product Viewed").put("anonymousId", "hostile");
      longId.put("messageId", "bad-id");
      longId.putObject("properties").put("product_id", "x".repeat(30_000));
      batch.add(17, longId);
      ObjectNode farAway = Json.mapper().createObjectNode();
      farAway.put("type", "track").put("event", "Product Viewed").put("anonymousId", "hostile");
      farAway.put("messageId", "bad-time").put("originalTimestamp", "+999999999-12-31T23:59:59Z");
      farAway.put("sentAt", now.toString());
      batch.add(3, farAway);

      HttpResponse<String> r = client.batch(DemoStore.WRITE_KEY, batch, false);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = Json.mapper().readTree(r.body());
      assertThat(body.path("rejected")).hasSize(2);
      assertThat(r.body()).contains("product_id is 30000 characters").contains("100 years");

      assertThat(stack.drain(Duration.ofSeconds(30))).isTrue();
      String today = LocalDate.now(ZoneOffset.UTC).toString();
      String range = "from=" + LocalDate.now(ZoneOffset.UTC).minusDays(1) + "&to=" + today;
      JsonNode ts =
          Json.mapper()
              .readTree(
                  client
                      .get(
                          "/api/v1/timeseries?metric=productViews&interval=day&" + range,
                          DemoStore.READ_KEY)
                      .body());
      long views = 0;
      for (JsonNode p : ts.path("points")) {
        views += p.path("value").asLong();
      }
      assertThat(views).as("every innocent event, once").isEqualTo(40);

      List<Item> kept =
          new ItemRejectedEvents(stack.engine().metrics(), Clock.systemUTC())
              .list(DemoStore.ID, LocalDate.now(ZoneOffset.UTC), 10);
      assertThat(kept).hasSize(2);
      assertThat(kept)
          .extracting(i -> i.str("messageId"))
          .containsExactlyInAnyOrder("bad-id", "bad-time");
      assertThat(kept).allSatisfy(i -> assertThat(i.str("reason")).isNotBlank());

      for (String path :
          List.of(
              "/api/v1/summary?" + range,
              "/api/v1/funnel?" + range,
              "/api/v1/products/top?" + range,
              "/api/v1/users/visitor-1/metrics?" + range)) {
        assertThat(client.get(path, DemoStore.READ_KEY).statusCode()).as(path).isEqualTo(200);
      }
    }
  }
}
