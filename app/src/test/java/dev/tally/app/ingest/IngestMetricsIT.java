package dev.tally.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ingest's Prometheus meters show on the embedded stack's {@code /metrics}. */
class IngestMetricsIT {
  @Test
  void acceptedRejectedDeduplicatedAndPublishLatency_showOnMetrics() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests(), Map.of())) {
      TallyClient client = new TallyClient(stack.baseUri());
      String ok = "{\"messageId\":\"metrics-1\",\"userId\":\"u\",\"event\":\"Cart Viewed\"}";
      assertThat(client.post("/v1/track", DemoStore.WRITE_KEY, ok).statusCode()).isEqualTo(200);
      assertThat(client.post("/v1/track", DemoStore.WRITE_KEY, ok).statusCode()).isEqualTo(200);
      assertThat(
              client
                  .post("/v1/track", DemoStore.WRITE_KEY, "{\"event\":\"Cart Viewed\"}")
                  .statusCode())
          .isEqualTo(400);

      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(stack.baseUri().resolve("/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains("tally_ingest_events_accepted_total{store=\"demo\"} 1.0")
          .contains("tally_ingest_events_deduplicated_total{store=\"demo\"} 1.0")
          .contains("tally_ingest_events_rejected_total{reason=\"missing_identity\"} 1.0")
          .contains("tally_ingest_publish_seconds_count 1")
          .contains("tally_ingest_publish_seconds{quantile=\"0.99\"}");
    }
  }
}
