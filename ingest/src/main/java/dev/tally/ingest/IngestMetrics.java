package dev.tally.ingest;

import dev.tally.observability.EmfMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * Ingest's meters: accepted, rejected by reason, deduplicated, publish latency. In Lambda they also
 * go out as CloudWatch EMF ({@link #emf}).
 */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Timer publish;
  private final EmfMetrics emf;

  public IngestMetrics(MeterRegistry registry) {
    this(registry, null);
  }

  private IngestMetrics(MeterRegistry registry, EmfMetrics emf) {
    this.registry = registry;
    this.emf = emf;
    this.publish =
        Timer.builder("tally.ingest.publish")
            .description("time to append a request's events to the log")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  public static IngestMetrics noop() {
    return new IngestMetrics(new SimpleMeterRegistry());
  }

  /** The Lambda's meters: events accepted and rejected and publish latency as EMF metrics. */
  public static IngestMetrics emf(EmfMetrics emf) {
    return new IngestMetrics(new SimpleMeterRegistry(), emf);
  }

  void accepted(String store, int n) {
    registry.counter("tally.ingest.events.accepted", "store", store).increment(n);
    if (emf != null) {
      emf.count(EmfMetrics.EVENTS_ACCEPTED, n);
    }
  }

  void duplicates(String store, int n) {
    registry.counter("tally.ingest.events.deduplicated", "store", store).increment(n);
  }

  void rejected(String reason, int n) {
    registry.counter("tally.ingest.events.rejected", "reason", reason).increment(n);
    if (emf != null) {
      emf.count(EmfMetrics.EVENTS_REJECTED, n);
    }
  }

  void published(Duration d) {
    publish.record(d);
    if (emf != null) {
      emf.duration(EmfMetrics.PUBLISH_LATENCY, d);
    }
  }
}
