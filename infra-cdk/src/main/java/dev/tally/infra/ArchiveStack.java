package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesisfirehose.Compression;
import software.amazon.awscdk.services.kinesisfirehose.DeliveryStream;
import software.amazon.awscdk.services.kinesisfirehose.KinesisStreamSource;
import software.amazon.awscdk.services.kinesisfirehose.S3Bucket;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * Optional ({@code -c archive=true}, needs the Kinesis log): Firehose copies every raw event from
 * the stream into S3, gzipped and partitioned by day, so counters can be rebuilt or new metrics
 * backfilled. Pay-per-GB, so no idle cost.
 */
public final class ArchiveStack extends Stack {

  private final Bucket bucket;
  private final DeliveryStream delivery;

  public ArchiveStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      PipelineStack pipeline) {
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
    delivery =
        DeliveryStream.Builder.create(this, "ToS3")
            .deliveryStreamName(config.resourceName("archive"))
            .source(new KinesisStreamSource(pipeline.stream()))
            .destination(
                S3Bucket.Builder.create(bucket)
                    .dataOutputPrefix("events/!{timestamp:yyyy/MM/dd}/")
                    .errorOutputPrefix(
                        "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/")
                    .compression(Compression.GZIP)
                    .bufferingInterval(Duration.minutes(5))
                    .bufferingSize(Size.mebibytes(64))
                    .build())
            .build();
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
                List.of(
                    "Action::s3:Abort*",
                    "Action::s3:DeleteObject*",
                    "Action::s3:GetBucket*",
                    "Action::s3:GetObject*",
                    "Action::s3:List*",
                    "Resource::<"
                        + getLogicalId((CfnElement) bucket.getNode().getDefaultChild())
                        + ".Arn>/*")),
            Nag.suppress(
                "AwsSolutions-KDF1",
                "Firehose cannot encrypt a delivery stream whose source is a Kinesis stream; the"
                    + " source stream and the bucket are both encrypted.")),
        true);
  }

  /** Where raw events land, under {@code events/yyyy/MM/dd/}. */
  public Bucket bucket() {
    return bucket;
  }

  /** The Firehose delivery stream reading the event stream. */
  public DeliveryStream delivery() {
    return delivery;
  }
}
