package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesisfirehose.AppendDelimiterToRecordProcessor;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.kinesisfirehose.Compression;
import software.amazon.awscdk.services.kinesisfirehose.DeliveryStream;
import software.amazon.awscdk.services.kinesisfirehose.DynamicPartitioningProps;
import software.amazon.awscdk.services.kinesisfirehose.KinesisStreamSource;
import software.amazon.awscdk.services.kinesisfirehose.MetadataExtractionProcessor;
import software.amazon.awscdk.services.kinesisfirehose.S3Bucket;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;
import software.constructs.Construct;

/**
 * The raw-event archive, the source of truth for replays (on by default; {@code -c archive=false}
 * turns it off). Firehose writes every log entry, one JSON object per line, gzipped, to {@code
 * events/store=<id>/dt=YYYY-MM-DD/hour=HH/} by store (read from the entry with JQ) and arrival
 * time, the layout {@code tally replay opensearch --archive s3://…} reads. With the Kinesis log
 * Firehose reads the stream itself; with the SQS log (which Firehose cannot read) the aggregator
 * puts each batch to this stream before acknowledging it. Pay-per-GB: nothing at idle.
 *
 * <p>With {@code -c liveSearch=true}, a Lambda indexes each new archive object into the search
 * domain, as a replay would (same ids), so OpenSearch stays current within Firehose's buffer time.
 */
public final class ArchiveStack extends Stack {
  /** Where data lands; the prefix a replay reads ({@code s3://bucket/events}). */
  public static final String DATA_PREFIX =
      "events/store=!{partitionKeyFromQuery:store}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/";

  public static final String ERROR_PREFIX =
      "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/";

  static final Duration BUFFER_INTERVAL = Duration.minutes(5);

  /** Dynamic partitioning needs at least 64 MiB of buffer. */
  static final Size BUFFER_SIZE = Size.mebibytes(64);

  private final Bucket bucket;
  private final DeliveryStream delivery;
  private final TallyFunction liveSink;

  /**
   * @param kinesis the event stream Firehose reads, or null for the SQS log (DirectPut: the
   *     aggregator puts records)
   * @param search the domain the live sink writes to, or null without {@code liveSearch}
   */
  public ArchiveStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      Stream kinesis,
      DataStack data,
      SearchStack search,
      TallyArtifacts artifacts) {
    super(scope, id, props);
    bucket =
        PrivateBuckets.builder(this, "RawEvents", config)
            .versioned(config.isProd())
            // Raw events are read rarely (replays, backfills): move them to a cheaper class.
            .lifecycleRules(
                List.of(
                    LifecycleRule.builder()
                        .transitions(
                            List.of(
                                Transition.builder()
                                    .storageClass(StorageClass.GLACIER_INSTANT_RETRIEVAL)
                                    .transitionAfter(Duration.days(90))
                                    .build()))
                        .build()))
            .build();
    DeliveryStream.Builder b =
        DeliveryStream.Builder.create(this, "ToS3")
            .deliveryStreamName(config.resourceName("archive"))
            .destination(
                S3Bucket.Builder.create(bucket)
                    .dataOutputPrefix(DATA_PREFIX)
                    .errorOutputPrefix(ERROR_PREFIX)
                    .compression(Compression.GZIP)
                    .fileExtension(".jsonl.gz")
                    .bufferingInterval(BUFFER_INTERVAL)
                    .bufferingSize(BUFFER_SIZE)
                    .dynamicPartitioning(
                        DynamicPartitioningProps.builder()
                            .enabled(true)
                            .retryDuration(Duration.minutes(5))
                            .build())
                    .processors(
                        List.of(
                            // The store id of each log entry ({"v":1,"id":…,"storeId":…,…}).
                            MetadataExtractionProcessor.jq16(Map.of("store", ".storeId")),
                            // One JSON object per line.
                            new AppendDelimiterToRecordProcessor()))
                    .build());
    if (kinesis != null) {
      b.source(new KinesisStreamSource(kinesis));
    }
    delivery = b.build();
    // Say the delimiter explicitly rather than rely on the processor's default.
    ((CfnDeliveryStream) delivery.getNode().getDefaultChild())
        .addPropertyOverride(
            "ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors.1.Parameters",
            List.of(Map.of("ParameterName", "Delimiter", "ParameterValue", "\\n")));
    NagSuppressions.addResourceSuppressions(
        bucket,
        List.of(
            Nag.suppress(
                "AwsSolutions-S1",
                "Only Firehose writes here; S3 server access logs would cost more than they tell.")));
    NagSuppressions.addResourceSuppressions(
        delivery,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM5",
                "The CDK grants Firehose read/write on this bucket's objects (multipart uploads,"
                    + " retries); it is scoped to the archive bucket alone.",
                Nag.appliesTo(
                    Nag.S3_READ_WRITE_ACTIONS,
                    "Resource::<"
                        + getLogicalId((CfnElement) bucket.getNode().getDefaultChild())
                        + ".Arn>/*")),
            Nag.suppress(
                "AwsSolutions-KDF1",
                kinesis != null
                    ? "Firehose cannot encrypt a delivery stream whose source is a Kinesis stream;"
                        + " the source stream and the bucket are both encrypted."
                    : "The records are encrypted in the bucket (S3-managed keys); server-side"
                        + " encryption of the DirectPut buffer would add a KMS key and its cost.")),
        true);
    liveSink = search != null ? liveSink(config, data, search, artifacts) : null;
    CfnOutput.Builder.create(this, "ArchiveUrl")
        .description("Replay with: tally replay opensearch --url … --archive <this>")
        .value("s3://" + bucket.getBucketName() + "/events")
        .build();
  }

  private TallyFunction liveSink(
      TallyStageConfig config, DataStack data, SearchStack search, TallyArtifacts artifacts) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TALLY_SEARCH_ENDPOINT", search.domain().getDomainEndpoint());
    env.put("TALLY_STORES_TABLE", data.stores().getTableName());
    env.put("TALLY_INDEX_PREFIX", "tally");
    TallyFunction fn =
        new TallyFunction(
            this,
            "LiveSearch",
            config,
            new TallyFunction.Props(
                config.resourceName("live-search"),
                artifacts.searchJar(),
                "dev.tally.opensearch.lambda.ArchiveToOpenSearchHandler::handleRequest",
                Duration.minutes(5),
                env));
    bucket.grantRead(fn, "events/*");
    data.stores().grantReadData(fn); // a store's time zone decides an event's day and index
    search.domain().grantReadWrite(fn);
    bucket.addEventNotification(
        EventType.OBJECT_CREATED,
        new LambdaDestination(fn.live()),
        NotificationKeyFilter.builder().prefix("events/").suffix(".gz").build());
    NagSuppressions.addResourceSuppressions(
        fn,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM5",
                "Reads only the archive's events/ objects and writes only the search domain's"
                    + " indexes; S3 keys and index names are not known in advance.",
                List.of(
                    "Action::s3:GetObject*",
                    "Action::s3:GetBucket*",
                    "Action::s3:List*",
                    "Resource::<"
                        + getLogicalId((CfnElement) bucket.getNode().getDefaultChild())
                        + ".Arn>/events/*",
                    // The domain's ARN, imported from the search stack, with /* for its indexes.
                    RegexAppliesTo.builder()
                        .regex("/^Resource::.*Domain.*Arn.*\\/\\*$/g")
                        .build()))),
        true);
    // The CDK's bucket-notification helper (a Lambda that calls PutBucketNotification).
    NagSuppressions.addStackSuppressions(
        this,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM4",
                "The CDK's bucket-notification helper Lambda uses AWSLambdaBasicExecutionRole.",
                List.of(
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AWSLambdaBasicExecutionRole")),
            Nag.suppress(
                "AwsSolutions-IAM5",
                "s3:PutBucketNotification of the CDK's helper has no resource-level scoping in"
                    + " its policy.",
                List.of("Resource::*"))));
    return fn;
  }

  /** Where raw events land, under {@code events/}. */
  public Bucket bucket() {
    return bucket;
  }

  /** The Firehose delivery stream (reading the Kinesis stream, or DirectPut for SQS). */
  public DeliveryStream delivery() {
    return delivery;
  }

  /** The live sink into OpenSearch, or null. */
  public TallyFunction liveSink() {
    return liveSink;
  }
}
