package dev.tally.aggregator.lambda;

import dev.tally.observability.EmfMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one handled batch reports: records applied and failed, and the aggregation lag (now minus
 * the oldest record's arrival in the log), as EMF metrics and one INFO line.
 */
final class BatchMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(BatchMetrics.class);

  private final EmfMetrics emf;
  private final Clock clock;

  BatchMetrics(EmfMetrics emf, Clock clock) {
    this.emf = emf;
    this.clock = clock;
  }

  EmfMetrics emf() {
    return emf;
  }

  void batch(int records, int failed, Stream<Instant> arrivals) {
    emf.count(EmfMetrics.RECORDS_APPLIED, records - failed);
    emf.count(EmfMetrics.RECORDS_FAILED, failed);
    Duration lag =
        arrivals
            .min(Comparator.naturalOrder())
            .map(oldest -> Duration.between(oldest, clock.instant()))
            .filter(d -> !d.isNegative())
            .orElse(null);
    if (lag != null) {
      emf.duration(EmfMetrics.AGGREGATION_LAG, lag);
    }
    LOG.info(
        "batch of {} records: {} applied, {} left for redelivery, lag {} ms",
        records,
        records - failed,
        failed,
        lag == null ? "unknown" : lag.toMillis());
  }
}
