package dev.tally.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/** Ingest's meters: accepted, rejected by reason, deduplicated, publish latency. */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Timer publish;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.publish =
        Timer.builder("tally.ingest.publish")
            .description("time to append a request's events to the log")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  public static IngestMetrics noop() {
    return new IngestMetrics(new SimpleMeterRegistry());
  }

  void accepted(String store, int n) {
    registry.counter("tally.ingest.events.accepted", "store", store).increment(n);
  }

  void duplicates(String store, int n) {
    registry.counter("tally.ingest.events.deduplicated", "store", store).increment(n);
  }

  void rejected(String reason, int n) {
    registry.counter("tally.ingest.events.rejected", "reason", reason).increment(n);
  }

  void published(Duration d) {
    publish.record(d);
  }
}
