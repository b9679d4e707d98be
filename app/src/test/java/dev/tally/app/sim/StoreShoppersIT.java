package dev.tally.app.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.Routes;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.event.Json;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The demo's simulated shoppers against the real local stack: their orders count through the
 * outbox.
 */
class StoreShoppersIT {
  @Test
  void shoppersOrders_reachTheRevenueTile_throughTheStoresOutbox() throws Exception {
    try (EmbeddedStack stack =
        EmbeddedStack.start(StackConfig.forTests(), Map.of(), Routes.all())) {
      TallyClient client = new TallyClient(stack.baseUri());
      AtomicInteger steps = new AtomicInteger();
      StoreShoppers.Summary walked =
          new StoreShoppers(stack.baseUri(), DemoStore.WRITE_KEY, HttpClient.newHttpClient())
              .run(20, 42, i -> steps.incrementAndGet());
      assertThat(steps.get()).isEqualTo(20);
      assertThat(walked.orders()).isPositive();

      String today = LocalDate.now(ZoneOffset.UTC).toString();
      String path = "/api/v1/summary?from=" + today + "&to=" + today;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      JsonNode tiles = null;
      while (System.nanoTime() < deadline) {
        stack.drain(Duration.ofSeconds(5));
        tiles = Json.mapper().readTree(client.get(path, DemoStore.READ_KEY).body()).path("tiles");
        if (tiles.at("/ordersCompleted/value").asInt() == walked.orders()) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(tiles.at("/ordersCompleted/value").asInt()).isEqualTo(walked.orders());
      assertThat(new BigDecimal(tiles.at("/revenue/value").asText()))
          .isEqualByComparingTo(walked.revenue());
      assertThat(tiles.at("/visitors/value").asInt()).isEqualTo(20);
    }
  }
}
