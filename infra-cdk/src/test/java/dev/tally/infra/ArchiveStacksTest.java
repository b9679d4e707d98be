package dev.tally.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The raw-event archive in both log modes: one JSON object per line (the delimiter processor),
 * partitioned by store (JQ on {@code .storeId}) and arrival hour, gzipped {@code .jsonl.gz};
 * Firehose reads the Kinesis stream, or takes DirectPut records from the SQS-mode aggregator, which
 * is allowed to put to it and told its name. And the optional live sink into OpenSearch.
 */
class ArchiveStacksTest {
  @TempDir Path kinesisRoot;
  @TempDir Path sqsRoot;
  @TempDir Path liveRoot;

  static Map<String, Object> s3Destination() {
    return Map.of(
        "ExtendedS3DestinationConfiguration",
        Match.objectLike(
            Map.of(
                "Prefix",
                "events/store=!{partitionKeyFromQuery:store}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/",
                "ErrorOutputPrefix",
                "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
                "CompressionFormat",
                "GZIP",
                "FileExtension",
                ".jsonl.gz",
                "BufferingHints",
                Map.of("IntervalInSeconds", 300, "SizeInMBs", 64),
                "DynamicPartitioningConfiguration",
                Match.objectLike(Map.of("Enabled", true)),
                "ProcessingConfiguration",
                Map.of(
                    "Enabled",
                    true,
                    "Processors",
                    List.of(
                        Map.of(
                            "Type",
                            "MetadataExtraction",
                            "Parameters",
                            Match.arrayWith(
                                List.of(
                                    Map.of(
                                        "ParameterName", "MetadataExtractionQuery",
                                        "ParameterValue", "{\"store\":.storeId}"),
                                    Map.of(
                                        "ParameterName", "JsonParsingEngine",
                                        "ParameterValue", "JQ-1.6")))),
                        Map.of(
                            "Type",
                            "AppendDelimiterToRecord",
                            "Parameters",
                            List.of(
                                Map.of(
                                    "ParameterName", "Delimiter",
                                    "ParameterValue", "\\n"))))))));
  }

  @Test
  void kinesisMode_firehoseReadsTheStream_oneObjectPerLine_partitionedByStoreAndHour() {
    TallyApp.Stacks stacks = TestApps.build(kinesisRoot, Map.of("log", "kinesis"));
    Template archive = Template.fromStack(stacks.archive());
    archive.hasResourceProperties(
        "AWS::KinesisFirehose::DeliveryStream",
        Match.objectLike(
            Map.of(
                "DeliveryStreamType",
                "KinesisStreamAsSource",
                "DeliveryStreamName",
                "tally-dev-archive",
                "ExtendedS3DestinationConfiguration",
                s3Destination().get("ExtendedS3DestinationConfiguration"))));
    // The aggregator does not archive: it is not given the stream, nor allowed to put.
    Template pipeline = Template.fromStack(stacks.pipeline());
    pipeline.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "FunctionName",
                "tally-dev-aggregator",
                "Environment",
                Map.of(
                    "Variables",
                    Match.objectLike(Map.of("TALLY_ARCHIVE_STREAM", Match.absent()))))));
    assertThat(TestApps.actions(TestApps.statementsOf(pipeline, "Aggregator")))
        .noneMatch(a -> a.startsWith("firehose:"));
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }

  @Test
  void sqsMode_firehoseTakesDirectPut_andTheAggregatorPutsEachBatchBeforeAcknowledging() {
    TallyApp.Stacks stacks = TestApps.build(sqsRoot, Map.of("log", "sqs"));
    Template archive = Template.fromStack(stacks.archive());
    archive.hasResourceProperties(
        "AWS::KinesisFirehose::DeliveryStream",
        Match.objectLike(
            Map.of(
                "DeliveryStreamType",
                "DirectPut",
                "ExtendedS3DestinationConfiguration",
                s3Destination().get("ExtendedS3DestinationConfiguration"))));
    Template pipeline = Template.fromStack(stacks.pipeline());
    pipeline.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "FunctionName",
                "tally-dev-aggregator",
                "Handler",
                "dev.tally.aggregator.lambda.SqsAggregatorHandler::handleRequest",
                "Environment",
                Map.of(
                    "Variables",
                    Match.objectLike(Map.of("TALLY_ARCHIVE_STREAM", Match.anyValue()))))));
    assertThat(TestApps.actions(TestApps.statementsOf(pipeline, "Aggregator")))
        .contains("firehose:PutRecord", "firehose:PutRecordBatch");
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }

  @Test
  void archiveOff_noDeliveryStream_andTheSqsAggregatorHasNoArchive() {
    TallyApp.Stacks stacks =
        TestApps.build(sqsRoot.resolve("off"), Map.of("log", "sqs", "archive", "false"));
    assertThat(stacks.archive()).isNull();
    assertThat(
            TestApps.actions(
                TestApps.statementsOf(Template.fromStack(stacks.pipeline()), "Aggregator")))
        .noneMatch(a -> a.startsWith("firehose:"));
  }

  @Test
  void liveSink_indexesEachNewArchiveObjectIntoTheDomain() {
    TallyApp.Stacks stacks =
        TestApps.build(liveRoot, Map.of("log", "sqs", "opensearch", "true", "liveSearch", "true"));
    assertThat(stacks.archive().liveSink()).isNotNull();
    Template archive = Template.fromStack(stacks.archive());
    archive.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "FunctionName",
                "tally-dev-live-search",
                "Handler",
                "dev.tally.opensearch.lambda.ArchiveToOpenSearchHandler::handleRequest",
                "Environment",
                Map.of(
                    "Variables",
                    Match.objectLike(
                        Map.of(
                            "TALLY_SEARCH_ENDPOINT", Match.anyValue(),
                            "TALLY_STORES_TABLE", Match.anyValue()))))));
    archive.hasResourceProperties(
        "Custom::S3BucketNotifications",
        Match.objectLike(
            Map.of(
                "NotificationConfiguration",
                Match.objectLike(
                    Map.of(
                        "LambdaFunctionConfigurations",
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "Events",
                                    List.of("s3:ObjectCreated:*"),
                                    "Filter",
                                    Map.of(
                                        "Key",
                                        Map.of(
                                            "FilterRules",
                                            Match.arrayWith(
                                                List.of(
                                                    Map.of("Name", "suffix", "Value", ".gz"),
                                                    Map.of(
                                                        "Name", "prefix", "Value",
                                                        "events/")))))))))))));
    List<String> actions = TestApps.actions(TestApps.statementsOf(archive, "LiveSearch"));
    assertThat(actions).contains("es:ESHttpPost", "es:ESHttpPut");
    assertThat(actions).anyMatch(a -> a.startsWith("s3:GetObject"));
    assertThat(actions)
        .anyMatch(a -> a.startsWith("dynamodb:GetItem") || a.startsWith("dynamodb:BatchGetItem"));
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }
}
