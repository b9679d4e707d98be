package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The event log (a Kinesis stream, or an SQS queue with {@code -c log=sqs}), the dead-letter queue
 * for poison events, and the aggregator that turns the log into counters. With the SQS log and the
 * archive on, the aggregator puts each batch to the archive's Firehose stream before acknowledging
 * it ({@code TALLY_ARCHIVE_STREAM}). With {@code -c flink=true} the aggregator Lambda reads
 * nothing: the Flink job of {@link FlinkStack} does.
 */
public final class PipelineStack extends Stack {

  static final Duration AGGREGATOR_TIMEOUT = Duration.seconds(60);
  static final int SQS_BATCH_SIZE = 10;
  static final int KINESIS_BATCH_SIZE = 100;
  static final Duration BATCHING_WINDOW = Duration.seconds(5);
  static final int MAX_RECEIVE_COUNT = 5;
  static final int KINESIS_RETRY_ATTEMPTS = 5;

  private final TallyStageConfig config;
  private final DataStack data;
  private final Queue deadLetters;
  private final Stream stream;
  private final Queue queue;
  private final TallyFunction aggregator;

  public PipelineStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      DataStack data,
      TallyArtifacts artifacts,
      ArchiveStack archive) {
    super(scope, id, props);
    this.config = config;
    this.data = data;
    deadLetters =
        Queue.Builder.create(this, "DeadLetters")
            .queueName(config.resourceName("dlq"))
            .retentionPeriod(Duration.days(14))
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            // Poison events are the only copy of what failed: keep them in prod.
            .removalPolicy(config.dataRemovalPolicy())
            .build();
    NagSuppressions.addResourceSuppressions(
        deadLetters,
        List.of(
            Nag.suppress(
                "AwsSolutions-SQS3",
                "This is the dead-letter queue; it has no DLQ of its own by design.")));

    if (config.log() == TallyStageConfig.EventLog.KINESIS) {
      stream =
          Stream.Builder.create(this, "Events")
              .streamName(config.resourceName("events"))
              .streamMode(StreamMode.ON_DEMAND)
              .encryption(StreamEncryption.MANAGED)
              .retentionPeriod(Duration.hours(24))
              // A retained stream keeps its hourly charge after the stack is gone, and holds
              // only events the aggregator has already read or sent to the DLQ.
              .removalPolicy(RemovalPolicy.DESTROY)
              .build();
      queue = null;
    } else {
      queue =
          Queue.Builder.create(this, "Events")
              .queueName(config.resourceName("events"))
              // Lambda's guidance: at least 6x the function timeout, so a batch that is still
              // being retried is not handed to a second poller.
              .visibilityTimeout(Duration.seconds(6 * AGGREGATOR_TIMEOUT.toSeconds().intValue()))
              .retentionPeriod(Duration.days(4))
              .encryption(QueueEncryption.SQS_MANAGED)
              .enforceSsl(true)
              .deadLetterQueue(
                  DeadLetterQueue.builder()
                      .queue(deadLetters)
                      .maxReceiveCount(MAX_RECEIVE_COUNT)
                      .build())
              .removalPolicy(config.dataRemovalPolicy())
              .build();
      stream = null;
    }

    aggregator =
        new TallyFunction(
            this,
            "Aggregator",
            config,
            new TallyFunction.Props(
                config.resourceName("aggregator"),
                artifacts.aggregatorJar(),
                stream != null
                    ? "dev.tally.aggregator.lambda.KinesisAggregatorHandler::handleRequest"
                    : "dev.tally.aggregator.lambda.SqsAggregatorHandler::handleRequest",
                AGGREGATOR_TIMEOUT,
                aggregatorEnvironment(archive)));
    data.metrics().grantReadWriteData(aggregator);
    data.stores().grantReadData(aggregator); // each store's time zone decides an event's day
    // The handler may park an event it can never count in the DLQ itself and report success.
    deadLetters.grantSendMessages(aggregator);
    if (archive != null) {
      // SQS log: Firehose cannot read the queue, so the aggregator archives each batch first.
      archive.delivery().grantPutRecords(aggregator);
    }

    if (queue != null) {
      aggregator
          .live()
          .addEventSource(
              SqsEventSource.Builder.create(queue)
                  .batchSize(SQS_BATCH_SIZE)
                  .maxBatchingWindow(BATCHING_WINDOW)
                  .reportBatchItemFailures(true)
                  .build());
    } else if (!config.flink()) {
      // With -c flink=true the job of FlinkStack reads the stream instead; the function stays
      // deployed without an event source, so switching back is one deploy.
      aggregator
          .live()
          .addEventSource(
              KinesisEventSource.Builder.create(stream)
                  .startingPosition(StartingPosition.TRIM_HORIZON)
                  .batchSize(KINESIS_BATCH_SIZE)
                  .maxBatchingWindow(BATCHING_WINDOW)
                  .reportBatchItemFailures(true)
                  .bisectBatchOnError(true)
                  .retryAttempts(KINESIS_RETRY_ATTEMPTS)
                  .onFailure(new SqsDlq(deadLetters))
                  .build());
    }
  }

  /**
   * The variables every Tally Lambda reads. All functions get the same names (names are not
   * secrets); what each may do with them is limited by its grants.
   */
  public Map<String, String> lambdaEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TALLY_METRICS_TABLE", data.metrics().getTableName());
    env.put("TALLY_STORES_TABLE", data.stores().getTableName());
    env.put("TALLY_DEDUP_TABLE", data.dedup().getTableName());
    env.put("TALLY_LOG", config.log().id());
    if (stream != null) {
      env.put("TALLY_STREAM_NAME", stream.getStreamName());
    } else {
      env.put("TALLY_QUEUE_URL", queue.getQueueUrl());
    }
    env.put("TALLY_DLQ_URL", deadLetters.getQueueUrl());
    return env;
  }

  /** The aggregator's variables: every Lambda's, plus the archive stream in SQS mode. */
  private Map<String, String> aggregatorEnvironment(ArchiveStack archive) {
    Map<String, String> env = new LinkedHashMap<>(lambdaEnvironment());
    if (archive != null) {
      env.put("TALLY_ARCHIVE_STREAM", archive.delivery().getDeliveryStreamName());
    }
    return env;
  }

  /** Lets {@code producer} append events to the log, and nothing else. */
  public void grantAppend(IGrantable producer) {
    if (stream != null) {
      stream.grantWrite(producer);
    } else {
      queue.grantSendMessages(producer);
    }
  }

  /** Holds poison events from either log. */
  public Queue deadLetters() {
    return deadLetters;
  }

  /** The Kinesis stream, or null with {@code -c log=sqs}. */
  public Stream stream() {
    return stream;
  }

  /** The SQS queue, or null with the default Kinesis log. */
  public Queue queue() {
    return queue;
  }

  /** The log consumer. */
  public TallyFunction aggregator() {
    return aggregator;
  }
}
