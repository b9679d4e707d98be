package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * Alarms on what loses or delays data (DLQ depth, log age, Lambda errors, DynamoDB throttles), all
 * notifying one SNS topic, plus one dashboard.
 */
public final class MonitoringStack extends Stack {

  static final Duration PERIOD = Duration.minutes(5);

  /** Where the Lambdas' EMF metrics land (EmfMetrics.NAMESPACE and DIMENSION). */
  static final String BUSINESS_NAMESPACE = "Tally";

  static final String BUSINESS_DIMENSION = "Function";

  /** Counters lag this far behind the newest event before someone is told. */
  static final Duration MAX_LOG_AGE = Duration.minutes(5);

  static final Duration MAX_ARCHIVE_AGE = Duration.minutes(15);

  private final Topic alarms;
  private final List<Alarm> allAlarms = new ArrayList<>();

  public MonitoringStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      DataStack data,
      PipelineStack pipeline,
      ApiStack api,
      ArchiveStack archive) {
    super(scope, id, props);
    alarms =
        Topic.Builder.create(this, "Alarms")
            .topicName(config.resourceName("alarms"))
            .enforceSsl(true)
            .build();
    // CloudWatch can only publish to an encrypted topic through a customer-managed key ($1/month).
    NagSuppressions.addResourceSuppressions(
        alarms,
        List.of(
            Nag.suppress(
                "AwsSolutions-SNS2",
                "Alarm notices carry no customer data, and encrypting a topic that CloudWatch"
                    + " publishes to needs a customer-managed KMS key with a monthly charge.")));

    IMetric dlqDepth = pipeline.deadLetters().metricApproximateNumberOfMessagesVisible(max());
    alarm("DeadLettersNotEmpty", dlqDepth, 1, "Poison events are waiting in the DLQ.");

    IMetric logAge =
        pipeline.stream() != null
            ? pipeline.aggregator().function().metric("IteratorAge", max())
            : pipeline.queue().metricApproximateAgeOfOldestMessage(max());
    double logAgeThreshold =
        pipeline.stream() != null
            ? MAX_LOG_AGE.toMilliseconds().doubleValue()
            : MAX_LOG_AGE.toSeconds().doubleValue();
    alarm("AggregatorBehind", logAge, logAgeThreshold, "The aggregator is falling behind.");
    if (archive != null) {
      // Firehose flushes at least every 5 minutes; older data in its buffer means S3 refuses it.
      alarm(
          "ArchiveBehind",
          archive.delivery().metric("DeliveryToS3.DataFreshness", max()),
          MAX_ARCHIVE_AGE.toSeconds().doubleValue(),
          "The raw-event archive has not been written to S3 for 15 minutes.");
    }

    // Ordered maps: Map.of iterates in a per-JVM random order, which would reorder the template.
    Map<String, TallyFunction> functions = new LinkedHashMap<>();
    functions.put("Ingest", api.ingest());
    functions.put("Query", api.query());
    functions.put("Aggregator", pipeline.aggregator());
    functions.forEach(
        (name, fn) ->
            alarm(
                name + "Errors",
                fn.function().metricErrors(sum()),
                1,
                "The " + name.toLowerCase(Locale.ROOT) + " Lambda threw errors."));

    // Business metrics the Lambdas write as CloudWatch EMF (dev.tally.observability.EmfMetrics).
    IMetric deadLettered = business("aggregator", "DeadLetters", sum());
    IMetric aggregationLag = business("aggregator", "AggregationLag", p99());
    alarm(
        "RecordsDeadLettered",
        deadLettered,
        1,
        "The aggregator dead-lettered records it can never apply (tally dlq list).");
    alarm(
        "AggregationLagHigh",
        aggregationLag,
        MAX_LOG_AGE.toMilliseconds().doubleValue(),
        "Events take more than 5 minutes (p99) from the log to the metrics.");

    Map<String, Table> tables = new LinkedHashMap<>();
    tables.put("Metrics", data.metrics());
    tables.put("Stores", data.stores());
    tables.put("Dedup", data.dedup());
    tables.forEach(
        (name, table) ->
            alarm(name + "Throttled", throttles(table), 1, "DynamoDB throttled " + name + "."));

    Dashboard.Builder.create(this, "Dashboard")
        .dashboardName(config.resourceName("overview"))
        .widgets(
            List.of(
                List.<IWidget>of(
                    graph("Lambda invocations", functions, "Invocations"),
                    graph("Lambda errors", functions, "Errors"),
                    graph("Lambda duration (p99)", functions, "Duration")),
                List.<IWidget>of(
                    GraphWidget.Builder.create()
                        .title("Aggregator lag")
                        .left(List.of(logAge))
                        .build(),
                    GraphWidget.Builder.create().title("DLQ depth").left(List.of(dlqDepth)).build(),
                    GraphWidget.Builder.create()
                        .title("HTTP API requests and 5xx")
                        .left(List.of(api.api().metricCount(sum())))
                        .right(List.of(api.api().metricServerError(sum())))
                        .build()),
                List.<IWidget>of(
                    GraphWidget.Builder.create()
                        .title("Events accepted and rejected")
                        .left(
                            List.of(
                                business("ingest", "EventsAccepted", sum()),
                                business("ingest", "EventsRejected", sum())))
                        .build(),
                    GraphWidget.Builder.create()
                        .title("Publish latency to the log (p50, p99, ms)")
                        .left(
                            List.of(
                                business("ingest", "PublishLatency", p50()),
                                business("ingest", "PublishLatency", p99())))
                        .build(),
                    GraphWidget.Builder.create()
                        .title("Aggregation lag (p99, ms) and dead letters")
                        .left(List.of(aggregationLag))
                        .right(List.of(deadLettered))
                        .build()),
                List.<IWidget>of(
                    GraphWidget.Builder.create()
                        .title("DynamoDB throttled events")
                        .left(tables.entrySet().stream().map(e -> throttles(e.getValue())).toList())
                        .build())))
        .build();
  }

  private void alarm(String id, IMetric metric, double threshold, String description) {
    Alarm alarm =
        Alarm.Builder.create(this, id)
            .alarmDescription(description)
            .metric(metric)
            .threshold(threshold)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            // No data means no traffic, which at small scale is normal, not an outage.
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    alarm.addAlarmAction(new SnsAction(alarms));
    allAlarms.add(alarm);
  }

  private static IMetric throttles(Table table) {
    // Ids must be unique across a graph that shows several tables.
    String id = table.getNode().getId().toLowerCase(Locale.ROOT);
    return MathExpression.Builder.create()
        .label(table.getNode().getId() + " throttled")
        .expression(id + "Reads + " + id + "Writes")
        .usingMetrics(
            new TreeMap<>(
                Map.of(
                    id + "Reads", table.metric("ReadThrottleEvents", sum()),
                    id + "Writes", table.metric("WriteThrottleEvents", sum()))))
        .period(PERIOD)
        .build();
  }

  private static GraphWidget graph(
      String title, Map<String, TallyFunction> functions, String metricName) {
    MetricOptions options = metricName.equals("Duration") ? p99() : sum();
    return GraphWidget.Builder.create()
        .title(title)
        .left(
            functions.values().stream()
                .map(fn -> (IMetric) fn.function().metric(metricName, options))
                .toList())
        .build();
  }

  private static MetricOptions sum() {
    return MetricOptions.builder().statistic("Sum").period(PERIOD).build();
  }

  private static MetricOptions max() {
    return MetricOptions.builder().statistic("Maximum").period(PERIOD).build();
  }

  /** A metric of namespace {@code Tally}, dimension {@code Function}, as the Lambdas emit it. */
  static IMetric business(String function, String name, MetricOptions options) {
    return Metric.Builder.create()
        .namespace(BUSINESS_NAMESPACE)
        .metricName(name)
        .dimensionsMap(Map.of(BUSINESS_DIMENSION, function))
        .statistic(options.getStatistic())
        .period(options.getPeriod())
        .build();
  }

  private static MetricOptions p50() {
    return MetricOptions.builder().statistic("p50").period(PERIOD).build();
  }

  private static MetricOptions p99() {
    return MetricOptions.builder().statistic("p99").period(PERIOD).build();
  }

  /** Every alarm notifies this topic; subscribe an email or chat hook to it. */
  public Topic alarmTopic() {
    return alarms;
  }

  /** All alarms, for tests and for adding actions. */
  public List<Alarm> alarms() {
    return List.copyOf(allAlarms);
  }
}
