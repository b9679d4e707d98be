package dev.tally.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Business metrics as CloudWatch embedded metric format: one JSON line on stdout per flush, which
 * CloudWatch Logs turns into metrics (namespace {@value #NAMESPACE}, dimension {@code Function}).
 * No client, no API call, nothing on the hot path but adding numbers. One instance per Lambda
 * container; values recorded during an invocation are written by {@link #flush()} at its end.
 *
 * <p>The metric names are constants so that the CDK dashboard and alarms use the same ones.
 */
public final class EmfMetrics {
  public static final String NAMESPACE = "Tally";
  public static final String DIMENSION = "Function";

  public static final String EVENTS_ACCEPTED = "EventsAccepted";
  public static final String EVENTS_REJECTED = "EventsRejected";
  public static final String PUBLISH_LATENCY = "PublishLatency";
  public static final String RECORDS_APPLIED = "RecordsApplied";
  public static final String RECORDS_FAILED = "RecordsFailed";
  public static final String AGGREGATION_LAG = "AggregationLag";
  public static final String DEAD_LETTERS = "DeadLetters";

  /** CloudWatch's units for the two kinds of values Tally records. */
  public enum Unit {
    COUNT("Count"),
    MILLISECONDS("Milliseconds");

    final String cloudWatchName;

    Unit(String cloudWatchName) {
      this.cloudWatchName = cloudWatchName;
    }
  }

  private record Metric(Unit unit, List<Double> values) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_VALUES = 100; // EMF's limit per metric and line

  private final String function;
  private final PrintStream out;
  private final Clock clock;
  private final Map<String, Metric> pending = new LinkedHashMap<>();

  private EmfMetrics(String function, PrintStream out, Clock clock) {
    this.function = function;
    this.out = out;
    this.clock = clock;
  }

  /** Metrics of {@code function} (ingest, aggregator, query) written to stdout. */
  public static EmfMetrics create(String function) {
    return create(function, System.out, Clock.systemUTC());
  }

  public static EmfMetrics create(String function, PrintStream out, Clock clock) {
    return new EmfMetrics(function, out, clock);
  }

  /** Adds {@code n} to a count. */
  public synchronized void count(String name, long n) {
    Metric m = pending.computeIfAbsent(name, k -> new Metric(Unit.COUNT, new ArrayList<>()));
    if (m.values.isEmpty()) {
      m.values.add(0.0);
    }
    m.values.set(0, m.values.get(0) + n);
  }

  /** Records one duration (a latency, a lag); CloudWatch keeps their distribution. */
  public synchronized void duration(String name, Duration d) {
    Metric m = pending.computeIfAbsent(name, k -> new Metric(Unit.MILLISECONDS, new ArrayList<>()));
    if (m.values.size() < MAX_VALUES) {
      m.values.add((double) d.toMillis());
    }
  }

  /** Writes what was recorded since the last flush as one EMF line; nothing if nothing was. */
  public synchronized void flush() {
    if (pending.isEmpty()) {
      return;
    }
    ObjectNode line = JSON.createObjectNode();
    ObjectNode aws = line.putObject("_aws");
    aws.put("Timestamp", clock.millis());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    directive.putArray("Dimensions").addArray().add(DIMENSION);
    ArrayNode metrics = directive.putArray("Metrics");
    line.put(DIMENSION, function);
    pending.forEach(
        (name, m) -> {
          metrics.addObject().put("Name", name).put("Unit", m.unit.cloudWatchName);
          if (m.values.size() == 1) {
            line.put(name, m.values.get(0));
          } else {
            ArrayNode values = line.putArray(name);
            m.values.forEach(values::add);
          }
        });
    pending.clear();
    out.println(line);
    out.flush();
  }
}
