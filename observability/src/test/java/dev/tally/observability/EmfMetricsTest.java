package dev.tally.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final EmfMetrics metrics =
      EmfMetrics.create(
          "ingest",
          new PrintStream(bytes, true, StandardCharsets.UTF_8),
          Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));

  @Test
  void flush_writesOneEmfLine_withNamespaceDimensionAndUnits() throws Exception {
    metrics.count(EmfMetrics.EVENTS_ACCEPTED, 3);
    metrics.count(EmfMetrics.EVENTS_ACCEPTED, 2);
    metrics.duration(EmfMetrics.PUBLISH_LATENCY, Duration.ofMillis(12));
    metrics.duration(EmfMetrics.PUBLISH_LATENCY, Duration.ofMillis(30));
    metrics.flush();

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out.lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(out);
    JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
    assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(1_700_000_000_000L);
    assertThat(directive.get("Namespace").asText()).isEqualTo("Tally");
    assertThat(directive.at("/Dimensions/0/0").asText()).isEqualTo("Function");
    assertThat(directive.at("/Metrics/0/Name").asText()).isEqualTo("EventsAccepted");
    assertThat(directive.at("/Metrics/0/Unit").asText()).isEqualTo("Count");
    assertThat(directive.at("/Metrics/1/Unit").asText()).isEqualTo("Milliseconds");
    assertThat(line.get("Function").asText()).isEqualTo("ingest");
    assertThat(line.get("EventsAccepted").asDouble()).isEqualTo(5.0);
    assertThat(line.get("PublishLatency").get(1).asDouble()).isEqualTo(30.0);
  }

  @Test
  void flush_withNothingRecorded_writesNothing_andEachFlushStartsAfresh() {
    metrics.flush();
    assertThat(bytes.size()).isZero();
    metrics.count(EmfMetrics.DEAD_LETTERS, 1);
    metrics.flush();
    metrics.flush();
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
  }
}
